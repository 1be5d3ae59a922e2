package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real command line end to end: exit codes, output shape, and the rows at both sites. */
class CliIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("install", "uninstall", "sync", "Exit codes:", "4   another sync");
        CliRun version = CliRun.of("--version");
        assertThat(version.out()).startsWith("dovetail ");
        assertThat(CliRun.of("sync", "--help").out()).contains("--push", "--pull", "--dry-run", "Examples:");
    }

    @Test
    void usageErrorsAreOneLineWithExitTwo() {
        CliRun r = CliRun.of("sync", "a");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.out()).isEmpty();
        CliRun both = CliRun.of("sync", "a", "b", "--push", "--pull");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errLines()).hasSize(1);
    }

    @Test
    void configurationErrorsNameKeyAndFileAndTouchNothing() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS)) {
            Path config = sites.config("tables: [items]", "bogus: 1");
            CliRun r = CliRun.of("install", "a", "--config", config.toString());
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("error: unknown key 'bogus' in " + config + " line 6\n");
            assertThat(sites.count("a", "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'dovetail'"))
                    .isZero();
            CliRun unknownSite = CliRun.of("--config", sites.config("tables: [items]").toString(), "install", "x");
            assertThat(unknownSite.exitCode()).isEqualTo(2);
            assertThat(unknownSite.err()).startsWith("error: unknown site 'x' (configured: a)");
        }
    }

    @Test
    void installSyncAndUninstallEndToEndAcrossPostgresAndH2() throws Exception {
        try (TestSites sites = new TestSites(pg).site("desk", Kind.PG, ITEMS).site("lap", Kind.H2, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            sites.exec("desk", "INSERT INTO items VALUES (1, 'apple', 3)", "INSERT INTO items VALUES (2, 'pear', 1)");
            List<List<String>> before = sites.rows("desk",
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'items' "
                            + "ORDER BY ordinal_position");
            assertThat(CliRun.of("install", "desk", "--config", config).exitCode()).isZero();
            CliRun lap = CliRun.of("--config", config, "install", "lap");
            assertThat(lap.exitCode()).isZero();
            assertThat(lap.out()).contains("items  installed  backfilled 0");

            CliRun sync = CliRun.of("sync", "desk", "lap", "--config", config);
            assertThat(sync.exitCode()).isZero();
            assertThat(sync.err()).isEmpty();
            assertThat(sync.out()).containsPattern("(?m)^items\\s+pushed 2  pulled 0  conflicts 0$")
                    .containsPattern("(?m)^total\\s+pushed 2  pulled 0  conflicts 0  in \\d+\\.\\d s$");
            assertThat(sites.rows("lap", "SELECT id, name, qty FROM items ORDER BY id"))
                    .isEqualTo(sites.rows("desk", "SELECT id, name, qty FROM items ORDER BY id"));

            CliRun same = CliRun.of("verify", "desk", "lap", "--config", config);
            assertThat(same.exitCode()).isZero();
            assertThat(same.out()).contains("items  identical (2 rows)");
            sites.exec("lap", "UPDATE items SET qty = 42 WHERE id = 2", "INSERT INTO items VALUES (9, 'lap only', 1)");
            CliRun differ = CliRun.of("verify", "desk", "lap", "--config", config);
            assertThat(differ.exitCode()).isEqualTo(5);
            assertThat(differ.out()).contains("items  2 differing key(s): 2 9");
            CliRun.of("sync", "desk", "lap", "--config", config);

            CliRun again = CliRun.of("sync", "desk", "lap", "--config", config, "--json");
            assertThat(again.exitCode()).isZero();
            JsonNode json = new ObjectMapper().readTree(again.out());
            assertThat(json.get("pushed").asLong()).isZero();
            assertThat(json.get("tables").get(0).get("table").asText()).isEqualTo("items");

            assertThat(CliRun.of("uninstall", "desk", "--config", config).exitCode()).isZero();
            assertThat(sites.rows("desk", "SELECT column_name, data_type FROM information_schema.columns "
                    + "WHERE table_name = 'items' ORDER BY ordinal_position")).isEqualTo(before);
            assertThat(sites.rows("desk", "SELECT id, name, qty FROM items ORDER BY id")).hasSize(3);
        }
    }

    @Test
    void statusShowsRowsUnsentChangesLastSyncAndConflicts() throws Exception {
        try (TestSites sites = new TestSites(pg).site("desk", Kind.PG, ITEMS).site("lap", Kind.H2, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            CliRun.of("install", "desk", "--config", config);
            CliRun.of("install", "lap", "--config", config);
            sites.exec("desk", "INSERT INTO items VALUES (1, 'x', 1)", "INSERT INTO items VALUES (2, 'y', 1)");
            sites.exec("lap", "INSERT INTO items VALUES (2, 'z', 1)");
            assertThat(CliRun.of("sync", "desk", "lap", "--config", config).exitCode()).isEqualTo(3);
            sites.exec("desk", "INSERT INTO items VALUES (3, 'new', 1)", "UPDATE items SET qty = 5 WHERE id = 1",
                    "ANALYZE items");
            CliRun status = CliRun.of("status", "desk", "--config", config, "--format", "csv");
            assertThat(status.exitCode()).isZero();
            List<String> lines = status.out().lines().toList();
            assertThat(lines.get(0)).startsWith("table,rows,rows_estimated,peer,unsent,last_sync,last_outcome");
            assertThat(lines.get(1)).startsWith("items,3,true,lap,2,").contains(",conflicts,1,1,1,0,1,");
            CliRun lap = CliRun.of("status", "lap", "--config", config);
            assertThat(lap.out()).containsPattern("(?m)^items\\s+2\\s+desk\\s+0\\s+\\S+\\s+conflicts\\s+0\\s+1$");
        }
    }

    @Test
    void statusShowsColumnsChangedSinceInstallUntilInstallRunsAgain() throws Exception {
        try (TestSites sites = new TestSites(pg).site("desk", Kind.PG, ITEMS).site("lap", Kind.H2, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            CliRun.of("install", "desk", "--config", config);
            CliRun.of("install", "lap", "--config", config);
            assertThat(CliRun.of("status", "desk", "--config", config).out()).doesNotContain("columns changed");

            sites.exec("desk", "ALTER TABLE items ADD COLUMN note text", "ALTER TABLE items DROP COLUMN qty");
            sites.exec("lap", "ALTER TABLE items ADD COLUMN note VARCHAR(20)");
            CliRun desk = CliRun.of("status", "desk", "--config", config);
            assertThat(desk.exitCode()).isZero();
            assertThat(desk.out()).contains("items: columns changed since install: +note -qty");
            assertThat(CliRun.of("status", "lap", "--config", config).out())
                    .contains("items: columns changed since install: +NOTE");
            List<String> csv = CliRun.of("status", "desk", "--config", config, "--format", "csv").out().lines().toList();
            assertThat(csv.get(0)).endsWith(",error,columns_changed");
            assertThat(csv.get(1)).endsWith(",+note -qty");

            assertThat(CliRun.of("install", "desk", "--config", config).exitCode()).isZero();
            assertThat(CliRun.of("status", "desk", "--config", config).out()).doesNotContain("columns changed");
        }
    }

    @Test
    void printSqlShowsTheDdlAndChangesNothing() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS)) {
            CliRun r = CliRun.of("install", "a", "--print-sql", "--config", sites.config("tables: [items]").toString());
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("dv_version", "dv_tomb_items", "CREATE", "TRIGGER");
            assertThat(sites.count("a", "SELECT count(*) FROM information_schema.columns WHERE column_name LIKE 'dv_%'"))
                    .isZero();
        }
    }

    @Test
    void installRefusalsExitTwoAndChangeNothing() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS,
                "CREATE TABLE nokey (id INT, v TEXT)",
                "CREATE TABLE clash (id INT PRIMARY KEY, dv_note TEXT)",
                "CREATE TABLE ranges (id INT PRIMARY KEY, span int4range)")) {
            Map<String, String> cases = Map.of(
                    "nokey", "error: table 'public.nokey' at site 'a' has no primary key",
                    "clash", "error: column 'dv_note' of table 'public.clash' at site 'a' uses the reserved prefix dv_",
                    "ranges", "error: column 'span' of table 'public.ranges' at site 'a' has unsupported type",
                    "missing", "error: table 'missing' not found at site 'a'");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                String config = sites.config("tables: [items, " + c.getKey() + "]").toString();
                CliRun r = CliRun.of("install", "a", "--config", config);
                assertThat(r.exitCode()).as(c.getKey()).isEqualTo(2);
                assertThat(r.err()).as(c.getKey()).startsWith(c.getValue());
                assertThat(r.errLines()).hasSize(1);
            }
            assertThat(sites.count("a", "SELECT count(*) FROM information_schema.columns WHERE column_name LIKE 'dv_v%'"))
                    .isZero();
        }
    }

    @Test
    void onH2InstallRefusesBackfillsIsIdempotentAndUninstallRestores() throws Exception {
        try (TestSites sites = new TestSites(pg).site("h", Kind.H2, ITEMS,
                "INSERT INTO items VALUES (1, 'old', 1)", "INSERT INTO items VALUES (2, 'older', 2)",
                "CREATE TABLE nokey (id INT, v VARCHAR(10))",
                "CREATE TABLE clash (id INT PRIMARY KEY, DV_NOTE VARCHAR(10))",
                "CREATE TABLE shapes (id INT PRIMARY KEY, area GEOMETRY)")) {
            Map<String, String> cases = Map.of(
                    "nokey", "error: table 'PUBLIC.NOKEY' at site 'h' has no primary key",
                    "clash", "error: column 'DV_NOTE' of table 'PUBLIC.CLASH' at site 'h' uses the reserved prefix dv_",
                    "shapes", "error: column 'AREA' of table 'PUBLIC.SHAPES' at site 'h' has unsupported type",
                    "missing", "error: table 'missing' not found at site 'h'");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                CliRun r = CliRun.of("install", "h", "--config", sites.config("tables: [items, " + c.getKey() + "]")
                        .toString());
                assertThat(r.exitCode()).as(c.getKey()).isEqualTo(2);
                assertThat(r.err()).as(c.getKey()).startsWith(c.getValue());
            }
            String columns = "SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS "
                    + "WHERE TABLE_NAME = 'ITEMS' ORDER BY ORDINAL_POSITION";
            List<List<String>> before = sites.rows("h", columns);
            assertThat(sites.count("h", "SELECT count(*) FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = 'DOVETAIL'"))
                    .isZero();
            String config = sites.config("tables: [items]").toString();
            CliRun first = CliRun.of("install", "h", "--config", config);
            assertThat(first.out()).contains("items  installed  backfilled 2");
            assertThat(sites.rows("h", "SELECT id, dv_version, dv_site FROM items ORDER BY id"))
                    .containsExactly(List.of("1", "1", "h"), List.of("2", "1", "h"));
            CliRun second = CliRun.of("install", "h", "--config", config);
            assertThat(second.exitCode()).isZero();
            assertThat(second.out()).contains("items  up to date  backfilled 0");
            assertThat(CliRun.of("uninstall", "h", "--config", config).exitCode()).isZero();
            assertThat(sites.rows("h", columns)).isEqualTo(before);
            assertThat(sites.rows("h", "SELECT id, name, qty FROM items ORDER BY id"))
                    .containsExactly(List.of("1", "old", "1"), List.of("2", "older", "2"));
            assertThat(CliRun.of("uninstall", "h", "--config", config).out()).contains("nothing installed at site h");
        }
    }

    @Test
    void wrongPasswordAndUnreachableHostExitOneWithoutThePassword() throws Exception {
        String role = pg.server().createRole("clerk", "right-horse");
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS)) {
            Path dir = Files.createTempDirectory("dv-cli");
            Path config = dir.resolve("dovetail.yml");
            Files.writeString(config, "sites:\n  a:\n    url: " + sites.url("a") + "\n    user: " + role
                    + "\n    password-env: PW\n  gone:\n    url: jdbc:postgresql://127.0.0.1:1/nothing\n"
                    + "tables: [items]\n");
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("PW", "wrong-battery-staple");
            CliRun wrong = CliRun.of(env, "install", "a", "--config", config.toString());
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.err()).contains("cannot connect to site 'a'", "password authentication failed")
                    .doesNotContain("wrong-battery-staple");
            assertThat(wrong.errLines()).hasSize(1);
            CliRun gone = CliRun.of(env, "install", "gone", "--config", config.toString());
            assertThat(gone.exitCode()).isEqualTo(1);
            assertThat(gone.err()).startsWith("error: cannot connect to site 'gone'");
            CliRun noPw = CliRun.of("install", "a", "--config", config.toString());
            assertThat(noPw.exitCode()).isEqualTo(2);
            assertThat(noPw.err()).contains("environment variable PW");
        }
    }

    /** A hardened database may deny temporary tables: the sync then writes by bound statements. */
    @Test
    void aSiteWhoseRoleMayNotCreateTemporaryTablesStillSyncs() throws Exception {
        String role = pg.server().createRole("keeper", "no-temp-horse");
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS).site("b", Kind.PG, ITEMS)) {
            String url = sites.url("b");
            String database = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
            sites.exec("b", "ALTER DATABASE \"" + database + "\" OWNER TO " + role, "ALTER TABLE items OWNER TO " + role,
                    "REVOKE TEMPORARY ON DATABASE \"" + database + "\" FROM PUBLIC, " + role);
            Path config = Files.createTempDirectory("dv-cli").resolve("dovetail.yml");
            Files.writeString(config, "sites:\n  a:\n    url: " + sites.url("a") + "\n    user: " + sites.user("a")
                    + "\n  b:\n    url: " + url + "\n    user: " + role + "\n    password-env: PW\ntables: [items]\n");
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("PW", "no-temp-horse");
            String file = config.toString();
            assertThat(CliRun.of(env, "install", "a", "--config", file).exitCode()).isZero();
            assertThat(CliRun.of(env, "install", "b", "--config", file).exitCode()).isZero();
            sites.exec("a", "INSERT INTO items VALUES (1, 'one', 1)", "INSERT INTO items VALUES (2, 'two', 2)",
                    "INSERT INTO items VALUES (3, 'three', 3)");
            assertThat(CliRun.of(env, "sync", "a", "b", "--config", file).exitCode()).isZero();
            sites.exec("a", "UPDATE items SET qty = 10 WHERE id = 1", "DELETE FROM items WHERE id = 2");
            CliRun second = CliRun.of(env, "sync", "a", "b", "--config", file);
            assertThat(second.err()).isEmpty();
            assertThat(second.exitCode()).isZero();
            String all = "SELECT id, name, qty FROM items ORDER BY id";
            assertThat(sites.rows("b", all)).isEqualTo(sites.rows("a", all))
                    .containsExactly(List.of("1", "one", "10"), List.of("3", "three", "3"));
            assertThat(CliRun.of(env, "verify", "a", "b", "--config", file).exitCode()).isZero();
        }
    }

    @Test
    void aSecondSyncOfThePairExitsFourNamingTheHolder() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS).site("b", Kind.PG, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            CliRun.of("install", "a", "--config", config);
            CliRun.of("install", "b", "--config", config);
            sites.exec("a", "INSERT INTO items VALUES (1, 'x', 1)");
            sites.exec("b", "INSERT INTO items VALUES (1, 'y', 1)");
            CompletableFuture<CliRun> first;
            try (Connection blocker = sites.connect("b"); Statement s = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                s.execute("SELECT * FROM items FOR UPDATE");
                first = CompletableFuture.supplyAsync(() -> CliRun.of("sync", "a", "b", "--config", config));
                for (int i = 0; i < 300 && sites.count("b",
                        "SELECT count(*) FROM dovetail.sync_run WHERE outcome = 'running'") == 0; i++) {
                    Thread.sleep(100);
                }
                CliRun second = CliRun.of("sync", "a", "b", "--config", config);
                assertThat(second.exitCode()).isEqualTo(4);
                assertThat(second.err()).startsWith("error: another sync of a and b is running: run ");
                assertThat(first).isNotDone();
                blocker.rollback();
            }
            CliRun done = first.get(60, TimeUnit.SECONDS);
            assertThat(done.exitCode()).isEqualTo(3);
            assertThat(sites.rows("a", "SELECT id, name FROM items")).isEqualTo(sites.rows("b", "SELECT id, name FROM items"));
        }
    }
}
