package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code sync HUB --all [--parallel N]} through the real command line: a block per peer and a
 * total, the star converging, the most serious exit code, a locked pair not stopping the
 * others, and spokes syncing with the hub at the same time.
 */
class HubSyncIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100))";
    static final String ALL = "SELECT id, name FROM items ORDER BY id";

    private static TestSites star() {
        TestSites sites = new TestSites(pg).site("hub", Kind.PG, ITEMS).site("s1", Kind.PG, ITEMS)
                .site("s2", Kind.H2, ITEMS).site("s3", Kind.PG, ITEMS);
        String config = sites.config("tables: [items]").toString();
        for (String site : List.of("hub", "s1", "s2", "s3")) {
            CliRun install = CliRun.of("install", site, "--config", config);
            assertThat(install.exitCode()).as(install.err()).isZero();
        }
        return sites;
    }

    @Test
    void theHubSyncsEveryPeerThreeAtATimeAndTheStarConverges() {
        try (TestSites sites = star()) {
            String config = sites.dir().resolve("dovetail.yml").toString();
            sites.exec("hub", "INSERT INTO items VALUES (1, 'hub')");
            sites.exec("s1", "INSERT INTO items VALUES (11, 's1')");
            sites.exec("s2", "INSERT INTO items VALUES (21, 's2')");
            sites.exec("s3", "INSERT INTO items VALUES (31, 's3')");

            CliRun first = CliRun.of("sync", "hub", "--all", "--parallel", "3", "--config", config);
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.err()).isEmpty();
            assertThat(first.out()).contains("hub <-> s1\n").contains("hub <-> s2\n").contains("hub <-> s3\n")
                    .containsPattern("all 3 peers  pushed \\d+  pulled 3  conflicts 0  in [0-9.]+ s  exit 0");
            // each spoke has the hub's row and its own; the hub has all of them
            assertThat(sites.rows("hub", ALL)).extracting(r -> r.get(0)).containsExactly("1", "11", "21", "31");

            CliRun second = CliRun.of("sync", "hub", "--all", "--parallel", "3", "--config", config);
            assertThat(second.exitCode()).as(second.err()).isZero();
            for (String spoke : List.of("s1", "s2", "s3")) {
                assertThat(sites.rows(spoke, ALL)).as(spoke).isEqualTo(sites.rows("hub", ALL));
                assertThat(CliRun.of("verify", "hub", spoke, "--config", config).exitCode()).isZero();
            }
            CliRun third = CliRun.of("sync", "hub", "--all", "--config", config);
            assertThat(third.out()).contains("all 3 peers  pushed 0  pulled 0  conflicts 0");

            CliRun json = CliRun.of("sync", "hub", "--all", "--json", "--config", config);
            assertThat(json.exitCode()).isZero();
            assertThat(json.out().strip()).startsWith("[{").endsWith("}]").contains("\"site_b\":\"s1\"")
                    .contains("\"site_b\":\"s2\"").contains("\"site_b\":\"s3\"");
        }
    }

    @Test
    void aLockedPairIsReportedWhileTheOthersSyncAndTheExitCodeIsTheMostSerious() throws Exception {
        try (TestSites sites = star()) {
            String config = sites.dir().resolve("dovetail.yml").toString();
            sites.exec("hub", "INSERT INTO items VALUES (1, 'hub')");
            sites.exec("s1", "INSERT INTO items VALUES (1, 's1')");
            sites.exec("s3", "INSERT INTO items VALUES (1, 's3')");
            CompletableFuture<CliRun> held;
            try (Connection blocker = sites.connect("s1"); Statement s = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                s.execute("SELECT * FROM items FOR UPDATE");
                held = CompletableFuture.supplyAsync(() -> CliRun.of("sync", "hub", "s1", "--config", config));
                for (int i = 0; i < 300 && sites.count("s1",
                        "SELECT count(*) FROM dovetail.sync_run WHERE outcome = 'running'") == 0; i++) {
                    Thread.sleep(100);
                }
                CliRun all = CliRun.of("sync", "hub", "--all", "--parallel", "2", "--config", config);
                assertThat(all.exitCode()).as(all.out() + all.err()).isEqualTo(3);
                assertThat(all.out()).contains("hub <-> s1\nnot synced: another sync of hub and s1 is running")
                        .contains("(exit 4)").contains("exit 3");
                assertThat(all.err()).contains("error: hub <-> s1: another sync of hub and s1 is running");
                assertThat(held).isNotDone();
                blocker.rollback();
            }
            assertThat(held.get(60, TimeUnit.SECONDS).exitCode()).isEqualTo(3);
            // s2 got the hub's row; s3's own row 1 is kept there and recorded as a conflict at both sites
            assertThat(sites.rows("s2", ALL)).containsExactly(List.of("1", "hub"));
            assertThat(sites.count("s3", "SELECT count(*) FROM dovetail.conflict")).isEqualTo(1);
            assertThat(sites.count("hub", "SELECT count(*) FROM dovetail.conflict WHERE site_a = 's3' OR site_b = 's3'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void spokesSyncWithTheHubAtTheSameTime() throws Exception {
        try (TestSites sites = star()) {
            String config = sites.dir().resolve("dovetail.yml").toString();
            sites.exec("s1", "INSERT INTO items VALUES (11, 's1')");
            sites.exec("s3", "INSERT INTO items VALUES (31, 's3')");
            CompletableFuture<CliRun> one = CompletableFuture.supplyAsync(
                    () -> CliRun.of("sync", "s1", "hub", "--config", config));
            CompletableFuture<CliRun> three = CompletableFuture.supplyAsync(
                    () -> CliRun.of("sync", "s3", "hub", "--config", config));
            assertThat(one.get(60, TimeUnit.SECONDS).exitCode()).isZero();
            assertThat(three.get(60, TimeUnit.SECONDS).exitCode()).isZero();
            assertThat(sites.rows("hub", ALL)).containsExactly(List.of("11", "s1"), List.of("31", "s3"));
        }
    }

    @Test
    void allTakesNoSecondSiteAndParallelNeedsAll() {
        try (TestSites sites = new TestSites(pg).site("hub", Kind.H2, ITEMS).site("s1", Kind.H2, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            CliRun both = CliRun.of("sync", "hub", "s1", "--all", "--config", config);
            assertThat(both.exitCode()).isEqualTo(2);
            assertThat(both.errLines()).hasSize(1);
            assertThat(both.err()).contains("--all syncs hub with every other site");
            CliRun parallel = CliRun.of("sync", "hub", "s1", "--parallel", "2", "--config", config);
            assertThat(parallel.exitCode()).isEqualTo(2);
            assertThat(parallel.err()).contains("--parallel needs --all");
            CliRun zero = CliRun.of("sync", "hub", "--all", "--parallel", "0", "--config", config);
            assertThat(zero.exitCode()).isEqualTo(2);
            assertThat(zero.err()).contains("--parallel must be at least 1");
        }
    }
}
