package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A MariaDB site through the real command line, against a PostgreSQL and an H2 site: install,
 * sync both ways, conflicts recorded at both sites and resolved, refusals, values that must
 * survive the trip exactly.
 */
class MariaDbSiteIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS_MARIADB = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";

    @Test
    void insertsUpdatesDeletesBothWaysWithPostgres() {
        roundTrip(Kind.PG);
    }

    /** Two sites on one server: each has its own metadata database and pair lock name. */
    @Test
    void insertsUpdatesDeletesBothWaysWithMariaDb() {
        roundTrip(Kind.MARIADB);
    }

    @Test
    void insertsUpdatesDeletesBothWaysWithH2() {
        roundTrip(Kind.H2);
    }

    @Test
    void updateUpdateConflictIsRecordedAtBothSitesListedAndResolved() {
        try (TestSites sites = new TestSites(pg).site("office", Kind.MARIADB, ITEMS_MARIADB).site("desk", Kind.PG, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            ok(CliRun.of("install", "office", "--config", config));
            ok(CliRun.of("install", "desk", "--config", config));
            sites.exec("office", "INSERT INTO items VALUES (1, 'apple', 3)");
            ok(CliRun.of("sync", "office", "desk", "--config", config));
            sites.exec("office", "UPDATE items SET name = 'office apple' WHERE id = 1",
                    "UPDATE items SET qty = 30 WHERE id = 1");
            sites.exec("desk", "UPDATE items SET name = 'desk apple' WHERE id = 1");

            CliRun sync = CliRun.of("sync", "desk", "office", "--config", config);
            assertThat(sync.exitCode()).as(sync.out() + sync.err()).isEqualTo(3);
            assertThat(sync.out()).contains("items  pushed 0  pulled 1  conflicts 1");
            assertSame(sites);
            assertThat(sites.rows("desk", "SELECT name, qty FROM items")).containsExactly(List.of("office apple", "30"));

            CliRun list = CliRun.of("conflicts", "list", "office", "--status", "all", "--format", "csv", "--config", config);
            ok(list);
            List<String> atOffice = list.out().lines().toList();
            List<String> atDesk = CliRun.of("conflicts", "list", "desk", "--status", "all", "--format", "csv", "--config", config)
                    .out().lines().toList();
            assertThat(atOffice).hasSize(2);
            assertThat(atOffice.get(1)).contains("update/update", "auto", "office");
            String id = atOffice.get(1).split(",")[0];
            assertThat(atDesk.get(1)).startsWith(id + ",");
            CliRun show = CliRun.of("conflicts", "show", "office", id, "--config", config);
            ok(show);
            assertThat(show.out()).contains("office apple", "desk apple");

            CliRun export = CliRun.of("conflicts", "export", "office", "--format", "csv", "--config", config);
            ok(export);
            assertThat(export.out()).contains(id).contains("decision");
            ok(CliRun.of("conflicts", "resolve", "office", id, "--keep", "desk", "--config", config));
            assertThat(sites.rows("office", "SELECT name, qty FROM items")).containsExactly(List.of("desk apple", "3"));
            ok(CliRun.of("sync", "office", "desk", "--config", config));
            assertSame(sites);
            assertThat(CliRun.of("conflicts", "list", "desk", "--status", "resolved", "--format", "csv", "--config", config)
                    .out()).contains(id);
            ok(CliRun.of("verify", "office", "desk", "--config", config));
        }
    }

    /** Rows the MariaDB site refuses (a unique key, a check) are set aside as rejected; the rest syncs. */
    @Test
    void refusedRowsBecomeRejectedRecordsNamingTheConstraint() {
        try (TestSites sites = new TestSites(pg)
                .site("office", Kind.MARIADB, "CREATE TABLE codes (id INT PRIMARY KEY, code VARCHAR(10),"
                        + " n INT, CONSTRAINT codes_code_key UNIQUE (code), CONSTRAINT codes_n_check CHECK (n >= 0))")
                .site("desk", Kind.PG, "CREATE TABLE codes (id INT PRIMARY KEY, code VARCHAR(10), n INT)")) {
            String config = sites.config("tables: [codes]").toString();
            ok(CliRun.of("install", "office", "--config", config));
            ok(CliRun.of("install", "desk", "--config", config));
            sites.exec("office", "INSERT INTO codes VALUES (1, 'A', 1)");
            ok(CliRun.of("sync", "office", "desk", "--config", config));
            sites.exec("desk", "INSERT INTO codes VALUES (2, 'A', 1)", "INSERT INTO codes VALUES (3, 'B', -1)",
                    "INSERT INTO codes VALUES (4, 'C', 1)");
            CliRun sync = CliRun.of("sync", "desk", "office", "--config", config);
            assertThat(sync.exitCode()).as(sync.out() + sync.err()).isEqualTo(3);
            assertThat(sites.rows("office", "SELECT id FROM codes ORDER BY id")).containsExactly(List.of("1"), List.of("4"));
            CliRun list = CliRun.of("conflicts", "list", "office", "--status", "all", "--format", "csv", "--config", config);
            ok(list);
            List<String> lines = list.out().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.subList(1, 3)).allSatisfy(line -> assertThat(line).contains("rejected"));
            for (String line : lines.subList(1, 3)) {
                CliRun show = CliRun.of("conflicts", "show", "office", line.split(",")[0], "--config", config);
                ok(show);
                assertThat(show.out()).doesNotContainIgnoringCase("insert into").doesNotContain("(conn=");
            }
            String both = lines.get(1) + lines.get(2) + CliRun.of("conflicts", "show", "office", lines.get(1).split(",")[0],
                    "--config", config).out() + CliRun.of("conflicts", "show", "office", lines.get(2).split(",")[0],
                    "--config", config).out();
            assertThat(both).contains("codes_code_key").contains("codes_n_check");
        }
    }

    /**
     * A change number is taken at write time and visible at commit: a transaction that took its
     * number before another one committed a higher number, and stays open across a sync, is
     * carried by the next sync.
     */
    @Test
    void longTransactionIsCarriedByTheNextSync() throws Exception {
        try (TestSites sites = new TestSites(pg).site("office", Kind.MARIADB, ITEMS_MARIADB).site("desk", Kind.PG, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            ok(CliRun.of("install", "office", "--config", config));
            ok(CliRun.of("install", "desk", "--config", config));
            try (Connection longOne = sites.connect("office")) {
                longOne.setAutoCommit(false);
                long slowSeq;
                try (Statement s = longOne.createStatement()) {
                    s.execute("INSERT INTO items VALUES (100, 'slow', 1)");
                    try (java.sql.ResultSet rs = s.executeQuery("SELECT dv_seq FROM items WHERE id = 100")) {
                        rs.next();
                        slowSeq = rs.getLong(1);
                    }
                }
                sites.exec("office", "INSERT INTO items VALUES (101, 'quick', 1)");
                assertThat(sites.count("office", "SELECT dv_seq FROM items WHERE id = 101")).isGreaterThan(slowSeq);

                CliRun first = CliRun.of("sync", "office", "desk", "--config", config);
                ok(first);
                assertThat(first.out()).contains("items  pushed 1  pulled 0");
                assertThat(sites.rows("desk", "SELECT id FROM items")).containsExactly(List.of("101"));
                longOne.commit();
            }
            CliRun second = CliRun.of("sync", "office", "desk", "--config", config);
            ok(second);
            assertThat(second.out()).contains("items  pushed 1  pulled 0");
            assertSame(sites);
        }
    }

    @Test
    void valuesSurviveTheTripBothWays() {
        String maria = "CREATE TABLE vals (id INT PRIMARY KEY, t VARCHAR(100), big LONGTEXT, d DECIMAL(20,6),"
                + " ts DATETIME(6), dt DATE, tm TIME(6), b BOOLEAN, bin VARBINARY(20), f DOUBLE, u UUID)";
        String postgres = "CREATE TABLE vals (id INT PRIMARY KEY, t VARCHAR(100), big TEXT, d NUMERIC(20,6),"
                + " ts TIMESTAMP(6), dt DATE, tm TIME(6), b BOOLEAN, bin BYTEA, f DOUBLE PRECISION, u UUID)";
        try (TestSites sites = new TestSites(pg).site("office", Kind.MARIADB, maria).site("desk", Kind.PG, postgres)) {
            String config = sites.config("tables: [vals]").toString();
            ok(CliRun.of("install", "office", "--config", config));
            ok(CliRun.of("install", "desk", "--config", config));
            String longText = "x".repeat(100_000) + "\u00e9";
            sites.exec("office", "INSERT INTO vals VALUES (1, 'emoji \ud83d\ude00 and \u00fc', '" + longText + "',"
                    + " 12345678901234.123456, '2024-02-29 23:59:59.123456', '1999-12-31', '23:59:59.999999', TRUE,"
                    + " x'00ff10', 0.1, '123e4567-e89b-12d3-a456-426614174000')",
                    "INSERT INTO vals (id, t, big) VALUES (2, '', NULL)");
            sites.exec("desk", "INSERT INTO vals VALUES (3, 'cjk \u6f22\u5b57 \ud834\udd1e', '', -0.000001,"
                    + " '1970-01-01 00:00:00', '2038-01-19', '00:00:00', FALSE, '\\x', -1.5e300, NULL)");
            ok(CliRun.of("sync", "office", "desk", "--config", config));
            String q = "SELECT id, t, big, CAST(d AS CHAR(40)), CAST(ts AS CHAR(40)), CAST(dt AS CHAR(20)),"
                    + " CAST(b AS CHAR(5)), CAST(u AS CHAR(36)) FROM vals ORDER BY id";
            String pq = "SELECT id, t, big, d::text, to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US'), dt::text,"
                    + " CASE WHEN b THEN '1' WHEN NOT b THEN '0' END, u::text FROM vals ORDER BY id";
            List<List<String>> office = sites.rows("office", q);
            List<List<String>> desk = sites.rows("desk", pq);
            assertThat(office).hasSize(3);
            assertThat(office.get(0).get(1)).isEqualTo("emoji \ud83d\ude00 and \u00fc");
            assertThat(office.get(2).get(1)).isEqualTo("cjk \u6f22\u5b57 \ud834\udd1e");
            assertThat(office.get(0).get(3)).isEqualTo("12345678901234.123456");
            assertThat(office.get(1).get(1)).isEmpty();
            assertThat(office.get(1).get(2)).isNull();
            assertThat(desk.get(0).get(4)).isEqualTo("2024-02-29 23:59:59.123456");
            for (int i = 0; i < 3; i++) {
                List<String> o = office.get(i);
                List<String> d = desk.get(i);
                assertThat(d.subList(0, 4)).isEqualTo(o.subList(0, 4));
                assertThat(d.get(4) == null ? null : d.get(4).replaceAll("\\.0+$", ""))
                        .isEqualTo(o.get(4) == null ? null : o.get(4).replaceAll("\\.0+$", ""));
                assertThat(d.subList(5, 8)).isEqualTo(o.subList(5, 8));
            }
            assertThat(sites.rows("office", "SELECT HEX(bin), f FROM vals WHERE id = 1")).containsExactly(List.of("00FF10", "0.1"));
            assertThat(sites.rows("desk", "SELECT encode(bin, 'hex'), f FROM vals WHERE id = 1")).containsExactly(List.of("00ff10", "0.1"));
            ok(CliRun.of("verify", "office", "desk", "--config", config));
        }
    }

    @Test
    void tableWithoutPrimaryKeyOrWithUnsupportedTypeIsRefused() {
        try (TestSites sites = new TestSites(pg).site("office", Kind.MARIADB, "CREATE TABLE nokey (a INT)",
                "CREATE TABLE odd (id INT PRIMARY KEY, p POINT)")) {
            CliRun nokey = CliRun.of("install", "office", "--config", sites.config("tables: [nokey]").toString());
            assertThat(nokey.exitCode()).isEqualTo(2);
            assertThat(nokey.errLines()).hasSize(1);
            assertThat(nokey.err()).contains("table '", ".nokey' at site 'office' has no primary key");
            CliRun odd = CliRun.of("install", "office", "--config", sites.config("tables: [odd]").toString());
            assertThat(odd.exitCode()).isEqualTo(2);
            assertThat(odd.errLines()).hasSize(1);
            assertThat(odd.err()).contains("column 'p' of table '", ".odd' at site 'office' has unsupported type 'point'");
            assertThat(sites.count("office", "SELECT COUNT(*) FROM information_schema.schemata"
                    + " WHERE schema_name LIKE '%_dovetail'")).isZero();
        }
    }

    /** An application keeps writing at the MariaDB site while syncs run: the sites converge. */
    @Test
    void applicationWritingDuringSyncsConverges() throws Exception {
        try (TestSites sites = new TestSites(pg).site("office", Kind.MARIADB, ITEMS_MARIADB).site("lap", Kind.H2, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            ok(CliRun.of("install", "office", "--config", config));
            ok(CliRun.of("install", "lap", "--config", config));
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                try (Connection c = sites.connect("office")) {
                    c.setAutoCommit(false);
                    try (Statement s = c.createStatement()) {
                        while (!stop.get()) {
                            n++;
                            s.execute("INSERT INTO items VALUES (" + n + ", 'w" + n + "', " + n + ")");
                            s.execute("UPDATE items SET qty = qty + 1 WHERE id = " + (n / 2 + 1));
                            if (n % 5 == 0) {
                                s.execute("DELETE FROM items WHERE id = " + (n - 3));
                            }
                            c.commit();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return n;
            });
            for (int i = 0; i < 4; i++) {
                ok(CliRun.of("sync", "office", "lap", "--config", config));
            }
            stop.set(true);
            assertThat(writer.get(60, TimeUnit.SECONDS)).isGreaterThan(10);
            ok(CliRun.of("sync", "office", "lap", "--config", config));
            assertSame(sites);
            ok(CliRun.of("verify", "office", "lap", "--config", config));
        }
    }

    private void roundTrip(Kind other) {
        try (TestSites sites = new TestSites(pg).site("office", Kind.MARIADB, ITEMS_MARIADB).site("peer", other, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            sites.exec("office", "INSERT INTO items VALUES (1, 'apple', 3)", "INSERT INTO items VALUES (2, 'pear', 1)");
            sites.exec("peer", "INSERT INTO items VALUES (10, 'plum', 7)");
            ok(CliRun.of("install", "office", "--config", config));
            ok(CliRun.of("install", "peer", "--config", config));

            CliRun first = CliRun.of("sync", "office", "peer", "--config", config);
            ok(first);
            assertThat(first.out()).contains("items  pushed 2  pulled 1  conflicts 0");
            assertSame(sites);

            sites.exec("office", "UPDATE items SET qty = 4 WHERE id = 1", "DELETE FROM items WHERE id = 2",
                    "INSERT INTO items VALUES (3, 'fig', 2)");
            sites.exec("peer", "UPDATE items SET name = 'plum!' WHERE id = 10", "INSERT INTO items VALUES (11, 'kiwi', 5)");
            CliRun second = CliRun.of("sync", "peer", "office", "--config", config);
            ok(second);
            assertThat(second.out()).contains("items  pushed 2  pulled 3  conflicts 0");
            assertSame(sites);

            sites.exec("peer", "DELETE FROM items WHERE id = 3");
            CliRun dry = CliRun.of("sync", "office", "peer", "--dry-run", "--config", config);
            ok(dry);
            assertThat(dry.out()).contains("items  pushed 0  pulled 1  conflicts 0");
            CliRun status = CliRun.of("status", "office", "--config", config, "--format", "csv");
            ok(status);
            assertThat(status.out()).contains("items,");
            ok(CliRun.of("sync", "office", "peer", "--config", config));
            assertSame(sites);
            ok(CliRun.of("verify", "office", "peer", "--config", config));
        }
    }

    private static void assertSame(TestSites sites) {
        String q = "SELECT id, name, qty FROM items ORDER BY id";
        List<String> names = sites.names();
        assertThat(sites.rows(names.get(1), q)).isEqualTo(sites.rows(names.get(0), q));
    }

    private static void ok(CliRun run) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    }
}
