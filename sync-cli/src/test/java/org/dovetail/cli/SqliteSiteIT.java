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

    static final String VALUES_SQLITE = "CREATE TABLE vals (id INTEGER PRIMARY KEY, i BIGINT, d DECIMAL TEXT,"
            + " f DOUBLE PRECISION, b BOOLEAN, t TEXT, v VARCHAR(20), bin BLOB, dt DATE, tm TIME, ts TIMESTAMP,"
            + " tz TIMESTAMPTZ, u UUID, j JSON)";
    static final String VALUES_PG = "CREATE TABLE vals (id bigint PRIMARY KEY, i bigint, d numeric(24,6),"
            + " f double precision, b boolean, t text, v varchar(20), bin bytea, dt date, tm time, ts timestamp,"
            + " tz timestamptz, u uuid, j json)";
    static final String VALUES_H2 = "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, d NUMERIC(24,6),"
            + " f DOUBLE PRECISION, b BOOLEAN, t VARCHAR, v VARCHAR(20), bin VARBINARY, dt DATE, tm TIME(6),"
            + " ts TIMESTAMP(6), tz TIMESTAMP(6) WITH TIME ZONE, u UUID, j JSON)";
    static final String COLUMNS = "id, i, d, f, b, t, v, bin, dt, tm, ts, tz, u, j";

    @ParameterizedTest(name = "SQLITE-{0}")
    @MethodSource("others")
    void everyDocumentedTypeKeepsItsValuesBothWays(Kind other) throws Exception {
        String ddl = other == Kind.PG ? VALUES_PG : VALUES_H2;
        String json = other == Kind.PG ? "CAST('{\"a\": [1, 2.50]}' AS json)" : "'{\"a\":[1,2.50]}' FORMAT JSON";
        String tz = other == Kind.PG ? "timestamptz '2026-02-28 13:14:15.123456+02'"
                : "TIMESTAMP WITH TIME ZONE '2026-02-28 13:14:15.123456+02'";
        String bytes = other == Kind.PG ? "'\\x00ff10'::bytea" : "X'00ff10'";
        try (TestSites sites = new TestSites(pg).site("a", Kind.SQLITE, VALUES_SQLITE).site("b", other, ddl)) {
            Path config = sites.config("tables: [vals]");
            assertThat(run(config, "install", "a").exitCode()).isZero();
            assertThat(run(config, "install", "b").exitCode()).isZero();
            String longText = "x".repeat(100_000);
            sites.exec("b", "INSERT INTO vals (" + COLUMNS + ") VALUES (1, 9223372036854775807, 12345678901234567.123400,"
                    + " 0.1, TRUE, 'G\u00e9nial \ud834\udd1e \ud83d\ude00', 'ascii', " + bytes + ", DATE '2026-02-28',"
                    + " TIME '13:14:15.123456', TIMESTAMP '2026-02-28 13:14:15.123456', " + tz + ","
                    + " 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', " + json + ")",
                    "INSERT INTO vals (id, t, b, f, d) VALUES (2, '', FALSE, -2.5E300, -0.000001)",
                    "INSERT INTO vals (id) VALUES (3)",
                    "INSERT INTO vals (id, t) VALUES (4, '" + longText + "')");
            CliRun in = run(config, "sync", "a", "b");
            assertThat(in.exitCode()).as(in.err()).isZero();
            assertThat(sites.rows("a", "SELECT i, d, f, b, t, v, hex(bin), dt, tm, ts, tz, u, j FROM vals WHERE id = 1"))
                    .containsExactly(List.of("9223372036854775807", "12345678901234567.123400", "0.1", "1",
                            "G\u00e9nial \ud834\udd1e \ud83d\ude00", "ascii", "00FF10", "2026-02-28", "13:14:15.123456",
                            "2026-02-28T13:14:15.123456", sites.rows("a", "SELECT tz FROM vals WHERE id = 1").get(0).get(0),
                            "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", other == Kind.PG ? "{\"a\": [1, 2.50]}" : "{\"a\":[1,2.50]}"));
            assertThat(java.time.OffsetDateTime.parse(sites.rows("a", "SELECT tz FROM vals WHERE id = 1").get(0).get(0))
                    .toInstant()).isEqualTo(java.time.Instant.parse("2026-02-28T11:14:15.123456Z"));
            assertThat(sites.rows("a", "SELECT typeof(t), t, typeof(d), d, b FROM vals WHERE id = 2"))
                    .containsExactly(List.of("text", "", "text", "-0.000001", "0"));
            assertThat(sites.rows("a", "SELECT typeof(i), typeof(t), typeof(bin) FROM vals WHERE id = 3"))
                    .containsExactly(List.of("null", "null", "null"));
            assertThat(sites.count("a", "SELECT length(t) FROM vals WHERE id = 4")).isEqualTo(100_000);

            // the application at the SQLite site writes values in the documented forms
            sites.exec("a", "UPDATE vals SET d = '-98765.432100', f = 1.0E-300, b = 0, t = 'z\u00fc', bin = X'',"
                    + " dt = '1999-12-31', tm = '00:00:00.000001', ts = '1999-12-31T23:59:59.999999',"
                    + " tz = '2000-01-01T05:30:00+05:30', u = '00000000-0000-0000-0000-000000000001' WHERE id = 1");
            CliRun out = run(config, "sync", "a", "b");
            assertThat(out.exitCode()).as(out.err()).isZero();
            assertThat(out.out()).containsPattern("vals +pushed 1  pulled 0  conflicts 0");
            CliRun verify = run(config, "verify", "a", "b");
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            String back = other == Kind.PG
                    ? "SELECT d::text, b::text, t, length(bin)::text, dt::text, tm::text, ts::text, (tz AT TIME ZONE 'UTC')::text, u::text FROM vals WHERE id = 1"
                    : "SELECT CAST(d AS VARCHAR), CAST(b AS VARCHAR), t, CAST(OCTET_LENGTH(bin) AS VARCHAR), CAST(dt AS VARCHAR),"
                    + " CAST(tm AS VARCHAR), CAST(ts AS VARCHAR), CAST(tz AT TIME ZONE 'UTC' AS VARCHAR), CAST(u AS VARCHAR) FROM vals WHERE id = 1";
            List<String> row = sites.rows("b", back).get(0);
            assertThat(row.subList(0, 7)).containsExactly("-98765.432100", other == Kind.PG ? "false" : "FALSE", "z\u00fc", "0",
                    "1999-12-31", "00:00:00.000001", other == Kind.PG ? "1999-12-31 23:59:59.999999" : "1999-12-31 23:59:59.999999");
            assertThat(row.get(7)).startsWith("2000-01-01 00:00:00");
            assertThat(row.get(8)).isEqualTo("00000000-0000-0000-0000-000000000001");
        }
    }

    static Stream<Kind> others() {
        return Stream.of(Kind.PG, Kind.H2);
    }

    @Test
    void anApplicationWritingToTheFileDuringSyncsConverges() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.SQLITE, ITEMS).site("b", Kind.PG, ITEMS)) {
            Path config = sites.config("tables: [items]");
            assertThat(run(config, "install", "a").exitCode()).isZero();
            assertThat(run(config, "install", "b").exitCode()).isZero();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (java.sql.Connection c = sites.connect("a"); java.sql.Statement s = c.createStatement()) {
                    for (int n = 1; !stop.get(); n++) {
                        s.execute("INSERT INTO items (id, name, qty) VALUES (" + n + ", 'app', " + n + ")");
                        if (n > 5) {
                            s.execute("UPDATE items SET qty = qty + 1 WHERE id = " + (n - 5));
                        }
                        if (n % 7 == 0) {
                            s.execute("DELETE FROM items WHERE id = " + (n - 3));
                        }
                        written.set(n);
                    }
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 4 && !writer.isDone(); i++) {
                CliRun sync = run(config, "sync", "a", "b");
                assertThat(sync.exitCode()).as(sync.err()).isZero();
            }
            stop.set(true);
            writer.get(); // the application's writes all succeeded (each waited for the sync's batch, if at all)
            assertThat(written.get()).isGreaterThan(20);
            CliRun last = run(config, "sync", "a", "b");
            assertThat(last.exitCode()).as(last.err()).isZero();
            assertThat(items(sites, "b")).isEqualTo(items(sites, "a"));
            assertThat(run(config, "verify", "a", "b").exitCode()).isZero();
        }
    }

    @Test
    void aSecondSyncOfThePairExitsFourWhileTheLockFileIsHeldAndKeySlotsAreRefused() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.SQLITE, ITEMS).site("b", Kind.H2, ITEMS)) {
            Path config = sites.config("tables: [items]");
            sites.exec("a", "INSERT INTO items (id, name, qty) VALUES (1, 'from before install', 1)");
            assertThat(run(config, "install", "a").exitCode()).isZero();
            assertThat(java.time.OffsetDateTime.parse(sites.rows("a", "SELECT dv_changed_at FROM items").get(0).get(0)))
                    .as("backfilled").isAfter(java.time.OffsetDateTime.now().minusMinutes(5));
            assertThat(run(config, "install", "b").exitCode()).isZero();
            String[] ids = {sites.rows("a", "SELECT site_id FROM dovetail_site").get(0).get(0),
                    sites.rows("b", "SELECT SITE_ID FROM DOVETAIL.SITE").get(0).get(0)};
            java.util.Arrays.sort(ids);
            try (java.sql.Connection c = sites.connect("a")) {
                java.util.Optional<org.dovetail.core.capture.PairLock> held =
                        new org.dovetail.core.dialect.sqlite.SqliteDialect().tryLockPair(c, ids[0] + "|" + ids[1]);
                assertThat(held).isPresent();
                CliRun locked = run(config, "sync", "a", "b");
                assertThat(locked.exitCode()).as(locked.err()).isEqualTo(4);
                assertThat(locked.err()).startsWith("error: another sync of a and b is running");
                held.get().close();
            }
            assertThat(run(config, "sync", "a", "b").exitCode()).isZero();
            assertThat(items(sites, "b")).isEqualTo(items(sites, "a")).hasSize(1);

            Path slots = sites.dir().resolve("slots.yml");
            Files.writeString(slots, "sites:\n  a:\n    url: " + sites.url("a") + "\n    slot: 1\n"
                    + "keys: {step: 10}\ntables: [items]\n");
            sites.exec("a", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
            Path slotsNotes = sites.dir().resolve("slots-notes.yml");
            Files.writeString(slotsNotes, Files.readString(slots).replace("tables: [items]", "tables: [notes]"));
            CliRun refused = run(slotsNotes, "install", "a");
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
            assertThat(refused.err()).contains("cannot be honoured at a SQLite site").contains("notes.id");
            assertThat(sites.count("a", "SELECT count(*) FROM pragma_table_info('notes') WHERE name LIKE 'dv%'"))
                    .isZero();
        }
    }
}
