package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code conflicts.notify} through the real command line: the command gets the new records as
 * JSON and the run's facts in its environment, runs only when a sync recorded new conflicts,
 * and its failure is a warning and a note in the run log, never the sync's exit code.
 */
class NotifyIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100))";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String installed(TestSites sites, String notifyYaml) {
        String config = sites.config("tables: [items]", "conflicts:", "  notify: " + notifyYaml).toString();
        for (String site : List.of("a", "b")) {
            assertThat(CliRun.of("install", site, "--config", config).exitCode()).isZero();
        }
        return config;
    }

    @Test
    void theCommandReceivesTheNewConflictsAsJsonAndTheRunInItsEnvironment() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS).site("b", Kind.H2, ITEMS)) {
            Path records = sites.dir().resolve("records.json");
            Path env = sites.dir().resolve("env.txt");
            String config = installed(sites, "[sh, -c, 'cat > " + records + "; env | grep ^DOVETAIL_ | sort > "
                    + env + "']");
            sites.exec("a", "INSERT INTO items VALUES (1, 'from a')", "INSERT INTO items VALUES (2, 'two')");
            sites.exec("b", "INSERT INTO items VALUES (1, 'from b')");

            CliRun sync = CliRun.of("sync", "a", "b", "--config", config);
            assertThat(sync.exitCode()).isEqualTo(3);
            assertThat(sync.err()).isEmpty();
            List<Map<String, Object>> got = JSON.readValue(Files.readString(records), new TypeReference<>() { });
            assertThat(got).hasSize(1);
            assertThat(got.get(0)).containsEntry("table", "items").containsEntry("key", "1")
                    .containsEntry("kind", "insert/insert").containsEntry("site_a", "a").containsEntry("site_b", "b");
            assertThat(((Map<?, ?>) got.get(0).get("row_a")).get("name")).isEqualTo("from a");
            assertThat(((Map<?, ?>) got.get(0).get("row_b")).get("name")).isEqualTo("from b");
            String id = CliRun.of("conflicts", "list", "a", "--format", "csv", "--config", config).out().lines()
                    .skip(1).findFirst().orElseThrow().split(",")[0];
            assertThat(got.get(0)).containsEntry("id", id);
            assertThat(Files.readAllLines(env)).contains("DOVETAIL_SITE_A=a", "DOVETAIL_SITE_B=b", "DOVETAIL_CONFLICTS=1",
                    "DOVETAIL_EXIT_CODE=3", "DOVETAIL_PUSHED=1").anyMatch(l -> l.startsWith("DOVETAIL_RUN_ID="));

            // a sync that records nothing new runs no command
            Files.delete(records);
            sites.exec("a", "INSERT INTO items VALUES (3, 'three')");
            CliRun quiet = CliRun.of("sync", "a", "b", "--config", config);
            assertThat(quiet.exitCode()).isZero();
            assertThat(records).doesNotExist();
        }
    }

    @Test
    void aFailingCommandIsAWarningAndANoteInTheRunLogNeverTheExitCode() {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS).site("b", Kind.PG, ITEMS)) {
            String config = installed(sites, "[sh, -c, 'echo mail server down >&2; exit 7']");
            sites.exec("a", "INSERT INTO items VALUES (1, 'from a')");
            sites.exec("b", "INSERT INTO items VALUES (1, 'from b')");
            CliRun sync = CliRun.of("sync", "a", "b", "--config", config);
            assertThat(sync.exitCode()).isEqualTo(3);
            assertThat(sync.errLines()).containsExactly("warning: notify command 'sh' exited 7: mail server down");
            for (String site : List.of("a", "b")) {
                assertThat(sites.rows(site, "SELECT outcome, error_text FROM dovetail.sync_run"))
                        .containsExactly(List.of("conflicts", "notify command 'sh' exited 7: mail server down"));
            }
        }
    }

    @Test
    void aCommandThatCannotStartIsAWarning() {
        try (TestSites sites = new TestSites(pg).site("a", Kind.H2, ITEMS).site("b", Kind.H2, ITEMS)) {
            String config = installed(sites, "no-such-notifier --now");
            sites.exec("a", "INSERT INTO items VALUES (1, 'from a')");
            sites.exec("b", "INSERT INTO items VALUES (1, 'from b')");
            CliRun sync = CliRun.of("sync", "a", "b", "--config", config);
            assertThat(sync.exitCode()).isEqualTo(3);
            assertThat(sync.errLines()).hasSize(1);
            assertThat(sync.err()).startsWith("warning: notify command 'no-such-notifier' could not start");
            assertThat(sync.out()).containsPattern("items  pushed \\d  pulled \\d  conflicts 1\n");
        }
    }
}
