package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SQLite sites through the real command line (README "SQLite sites"): both directions with a
 * PostgreSQL and an H2 site, a conflict recorded at both sites, listed and resolved, verify;
 * bad input refused; an application writing to the SQLite file while the sync runs.
 */
class SqliteSiteIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.SQLITE, Kind.PG), Arguments.of(Kind.PG, Kind.SQLITE),
                Arguments.of(Kind.SQLITE, Kind.H2), Arguments.of(Kind.H2, Kind.SQLITE));
    }

    private static CliRun run(Path config, String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--config", config.toString())).toArray(String[]::new);
        return CliRun.of(all);
    }

    private static List<List<String>> items(TestSites sites, String site) {
        return sites.rows(site, "SELECT id, name, qty FROM items ORDER BY id");
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void insertsUpdatesDeletesAndAConflictTravelBothWays(Kind ka, Kind kb) throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS).site("b", kb, ITEMS)) {
            Path config = sites.config("tables: [items]");
            assertThat(run(config, "install", "a").exitCode()).isZero();
            assertThat(run(config, "install", "b").exitCode()).isZero();
            sites.exec("a", "INSERT INTO items (id, name, qty) VALUES (1, 'pen', 1)", "INSERT INTO items (id, name, qty) VALUES (2, 'ink', 2)");
            sites.exec("b", "INSERT INTO items (id, name, qty) VALUES (3, 'pad', 3)");

            CliRun first = run(config, "sync", "a", "b");
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.out()).contains("items  pushed 2  pulled 1  conflicts 0");
            assertThat(items(sites, "a")).isEqualTo(items(sites, "b")).hasSize(3);

            sites.exec("a", "UPDATE items SET qty = 10 WHERE id = 1", "DELETE FROM items WHERE id = 3");
            sites.exec("b", "UPDATE items SET name = 'ink2' WHERE id = 2", "INSERT INTO items (id, name, qty) VALUES (4, 'nib', 4)");
            CliRun second = run(config, "sync", "a", "b");
            assertThat(second.exitCode()).as(second.err()).isZero();
            assertThat(items(sites, "a")).isEqualTo(items(sites, "b")).containsExactly(
                    List.of("1", "pen", "10"), List.of("2", "ink2", "2"), List.of("4", "nib", "4"));

            sites.exec("a", "UPDATE items SET qty = 11 WHERE id = 1");
            sites.exec("b", "UPDATE items SET qty = 12 WHERE id = 1", "UPDATE items SET qty = 13 WHERE id = 1");
            CliRun conflict = run(config, "sync", "a", "b");
            assertThat(conflict.exitCode()).as(conflict.err()).isEqualTo(3);
            for (String site : List.of("a", "b")) {
                CliRun list = run(config, "conflicts", "list", site, "--format", "csv");
                assertThat(list.exitCode()).as(list.err()).isZero();
                assertThat(list.out().lines().skip(1)).hasSize(1).allMatch(l -> l.contains("update/update"));
            }
            String id = run(config, "conflicts", "list", "a", "--format", "csv").out().lines().skip(1).findFirst()
                    .orElseThrow().split(",")[0];
            assertThat(run(config, "conflicts", "show", "a", id).exitCode()).isZero();
            CliRun resolve = run(config, "conflicts", "resolve", "a", id, "--keep", "a");
            assertThat(resolve.exitCode()).as(resolve.err()).isZero();
            CliRun after = run(config, "sync", "a", "b");
            assertThat(after.exitCode()).as(after.err()).isZero();
            assertThat(items(sites, "b").get(0)).containsExactly("1", "pen", "11");
            assertThat(run(config, "conflicts", "list", "b", "--status", "resolved", "--format", "csv").out().lines()
                    .skip(1)).hasSize(1);
            CliRun verify = run(config, "verify", "a", "b");
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            CliRun status = run(config, "status", sites.url("a").startsWith("jdbc:sqlite:") ? "a" : "b");
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).contains("items");
        }
    }

    @Test
    void uninstallLeavesTheFileAsBeforeInstall() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.SQLITE, ITEMS)) {
            Path config = sites.config("tables: [items]");
            sites.exec("a", "INSERT INTO items (id, name, qty) VALUES (1, 'pen', 1)");
            List<List<String>> schema = sites.rows("a", "SELECT type, name, sql FROM sqlite_master ORDER BY name");
            assertThat(run(config, "install", "a").exitCode()).isZero();
            assertThat(run(config, "install", "a").exitCode()).isZero();
            CliRun uninstall = run(config, "uninstall", "a");
            assertThat(uninstall.exitCode()).as(uninstall.err()).isZero();
            assertThat(run(config, "uninstall", "a").exitCode()).isZero();
            assertThat(sites.rows("a", "SELECT type, name, sql FROM sqlite_master ORDER BY name")).isEqualTo(schema);
            assertThat(items(sites, "a")).containsExactly(List.of("1", "pen", "1"));
        }
    }

    @Test
    void aMissingFileIsAnErrorAndNoFileIsCreated() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.SQLITE, ITEMS)) {
            Path gone = sites.dir().resolve("gone.db");
            Path config = sites.dir().resolve("gone.yml");
            Files.writeString(config, "sites:\n  a:\n    url: " + sites.url("a") + "\n  gone:\n    url: jdbc:sqlite:"
                    + gone + "\ntables: [items]\n");
            CliRun install = run(config, "install", "gone");
            assertThat(install.exitCode()).as(install.err()).isEqualTo(1);
            assertThat(install.errLines()).hasSize(1);
            assertThat(install.err()).startsWith("error: cannot connect to site 'gone'").contains("unable to open");
            assertThat(run(config, "install", "a").exitCode()).isZero();
            CliRun sync = run(config, "sync", "a", "gone");
            assertThat(sync.exitCode()).as(sync.err()).isEqualTo(1);
            assertThat(sync.err()).startsWith("error: cannot connect to site 'gone'");
            assertThat(Files.exists(gone)).isFalse();
        }
    }

    @Test
    void tablesDovetailCannotCarryAreRefusedAtInstall() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.SQLITE,
                "CREATE TABLE nokey (id INTEGER, name TEXT)",
                "CREATE TABLE money (id INTEGER PRIMARY KEY, price NUMERIC(10,2))",
                "CREATE TABLE loose (id INTEGER PRIMARY KEY, anything)")) {
            CliRun nokey = run(sites.config("tables: [nokey]"), "install", "a");
            assertThat(nokey.exitCode()).isEqualTo(2);
            assertThat(nokey.errLines()).hasSize(1);
            assertThat(nokey.err()).contains("nokey").contains("primary key");
            CliRun money = run(sites.config("tables: [money]"), "install", "a");
            assertThat(money.exitCode()).isEqualTo(2);
            assertThat(money.errLines()).hasSize(1);
            assertThat(money.err()).contains("money").contains("price").contains("DECIMAL TEXT");
            CliRun loose = run(sites.config("tables: [loose]"), "install", "a");
            assertThat(loose.exitCode()).isEqualTo(2);
            assertThat(loose.err()).contains("anything").contains("no declared type");
            assertThat(sites.count("a", "SELECT count(*) FROM sqlite_master WHERE name LIKE 'dovetail%'")).isZero();
        }
    }
}
