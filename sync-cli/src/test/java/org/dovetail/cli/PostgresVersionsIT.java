package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.PostgresServer;
import org.dovetail.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The smoke set of README "PostgreSQL versions": a site on the oldest supported PostgreSQL (13)
 * and one on the newest (18), each paired with a site on the suite's own server (the system's
 * 15), through the real command line: install with backfill, the triggers' bookkeeping, sync
 * both ways, a conflict recorded at both sites and resolved, verify, uninstall. The 13 and 18
 * binaries come from the zonky jars the build fetches; a missing one fails, never skips.
 */
class PostgresVersionsIT {
    @RegisterExtension
    static PostgresDatabaseExtension suite = new PostgresDatabaseExtension();
    @RegisterExtension
    static PostgresDatabaseExtension pg13 = new PostgresDatabaseExtension(13);
    @RegisterExtension
    static PostgresDatabaseExtension pg18 = new PostgresDatabaseExtension(18);

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    /** One column of each kind the README carries exactly. */
    static final String VALUES = "CREATE TABLE vals (id INT PRIMARY KEY, n NUMERIC(20,6), r REAL, d DOUBLE PRECISION,"
            + " b BOOLEAN, c CHAR(3), t TEXT, bin BYTEA, day DATE, tod TIME, ts TIMESTAMP, tstz TIMESTAMPTZ,"
            + " u UUID, j JSON, jb JSONB)";
    static final String ITEMS_ROWS = "SELECT id, name, qty FROM items ORDER BY id";
    static final String VALS_ROWS = "SELECT id, n::text, r::text, d::text, b::text, c, t, encode(bin, 'hex'),"
            + " day::text, tod::text, ts::text, (tstz AT TIME ZONE 'UTC')::text, u::text, j::text, jb::text"
            + " FROM vals ORDER BY id";

    static Stream<Arguments> majors() {
        return Stream.of(Arguments.of(13), Arguments.of(18));
    }

    private static PostgresDatabaseExtension on(int major) {
        return major == 13 ? pg13 : pg18;
    }

    @Test
    void eachServerRunsItsMajorVersion() {
        assertThat(pg13.server().majorVersion()).isEqualTo(13);
        assertThat(pg18.server().majorVersion()).isEqualTo(18);
        assertThat(suite.server().majorVersion()).isEqualTo(PostgresServer.selectedMajor().orElse(15));
        assertThat(pg13.server().binDirectory().toString()).contains("13.");
        assertThat(pg18.server().binDirectory().toString()).contains("18.");
    }

    @ParameterizedTest(name = "PostgreSQL {0} and the suite''s server")
    @MethodSource("majors")
    void installSyncBothWaysConflictResolveVerifyAndUninstall(int major) throws Exception {
        try (Pair p = new Pair(on(major), "oldnew" + major)) {
            // a: the other version, with rows from before install; b: the suite's server
            p.exec("a", ITEMS, VALUES, "INSERT INTO items VALUES (1, 'one', 1)", "INSERT INTO items VALUES (2, 'two', 2)");
            p.exec("b", ITEMS, VALUES);
            p.exec("a", "INSERT INTO vals VALUES (1, 12345678901234.123456, 1.5, 2.25, true, 'abc', 'tëxt ✓',"
                    + " '\\xdeadbeef', '2024-02-29', '23:59:58.5', '1999-12-31 23:59:59.123456',"
                    + " '2024-06-01 12:00:00+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": [1, 2]}',"
                    + " '{\"z\": null, \"a\": 1}')");
            List<String> before = p.rows("a", "SELECT column_name, data_type FROM information_schema.columns"
                    + " WHERE table_name = 'items' ORDER BY ordinal_position").stream().map(r -> String.join(" ", r))
                    .toList();
            String config = p.config("tables: [items, vals]");

            CliRun installA = CliRun.of("install", "a", "--config", config);
            assertThat(installA.exitCode()).as(installA.err()).isZero();
            assertThat(installA.out()).contains("items  installed  backfilled 2");
            CliRun installB = CliRun.of("install", "b", "--config", config);
            assertThat(installB.exitCode()).as(installB.err()).isZero();
            assertThat(installB.out()).contains("items  installed  backfilled 0");

            // the triggers at a: backfill, insert, update, no-op update, delete into the tombstone
            assertThat(p.rows("a", "SELECT id, dv_version, dv_site, dv_origin IS NOT NULL, dv_txid IS NOT NULL"
                    + " FROM items ORDER BY id")).containsExactly(List.of("1", "1", "a", "true", "true"),
                    List.of("2", "1", "a", "true", "true"));
            p.exec("a", "INSERT INTO items VALUES (3, 'three', 3)", "UPDATE items SET qty = 22 WHERE id = 2",
                    "UPDATE items SET qty = 22 WHERE id = 2", "DELETE FROM items WHERE id = 1");
            assertThat(p.rows("a", "SELECT id, dv_version, dv_site, dv_from FROM items ORDER BY id"))
                    .containsExactly(Arrays.asList("2", "2", "a", null), Arrays.asList("3", "1", "a", null));
            assertThat(p.rows("a", "SELECT id, dv_version, dv_site, dv_txid IS NOT NULL FROM dv_tomb_items"))
                    .containsExactly(List.of("1", "2", "a", "true"));
            assertThat(p.count("a", "SELECT count(DISTINCT dv_seq) FROM (SELECT dv_seq FROM items"
                    + " UNION ALL SELECT dv_seq FROM dv_tomb_items) s")).isEqualTo(3);
            assertThatThrownBy(() -> p.exec("a", "TRUNCATE items")).hasMessageContaining("items");
            p.exec("b", "INSERT INTO items VALUES (10, 'at b', 10)");

            // sync a b, then b a: every row at both sites, the same bookkeeping
            CliRun first = sync(p, 0, "sync", "a", "b");
            assertThat(first.out()).containsPattern("(?m)^items\\s+pushed 2  pulled 1  conflicts 0$")
                    .containsPattern("(?m)^vals\\s+pushed 1  pulled 0  conflicts 0$");
            List<List<String>> expected = List.of(List.of("2", "two", "22"), List.of("3", "three", "3"),
                    List.of("10", "at b", "10"));
            p.bothHold(ITEMS_ROWS, expected);
            assertThat(p.rows("b", VALS_ROWS)).isEqualTo(p.rows("a", VALS_ROWS)).hasSize(1);
            assertThat(p.rows("b", "SELECT id, dv_version, dv_origin, dv_site FROM items ORDER BY id"))
                    .isEqualTo(p.rows("a", "SELECT id, dv_version, dv_origin, dv_site FROM items ORDER BY id"));
            assertThat(p.rows("b", "SELECT id, dv_from FROM items WHERE id IN (2, 3) ORDER BY id"))
                    .containsExactly(List.of("2", "a"), List.of("3", "a"));
            assertThat(p.count("b", "SELECT count(*) FROM dv_tomb_items WHERE id = 1")).isOne();

            // a transaction open at a across a sync: its row has a smaller dv_seq than a row synced
            // meanwhile, and still arrives with the next sync (the txid snapshots of the version)
            try (Connection early = p.dbs.get("a").connect()) {
                early.setAutoCommit(false);
                try (Statement s = early.createStatement()) {
                    s.execute("INSERT INTO items VALUES (20, 'early, committed late', 20)");
                }
                p.exec("a", "INSERT INTO items VALUES (21, 'later, committed first', 21)");
                CliRun during = sync(p, 0, "sync", "a", "b");
                assertThat(during.out()).containsPattern("(?m)^items\\s+pushed 1  pulled 0  conflicts 0$");
                assertThat(p.rows("b", "SELECT id FROM items WHERE id >= 20")).containsExactly(List.of("21"));
                early.commit();
            }
            List<String> row20 = List.of("20", "early, committed late", "20");
            List<String> row21 = List.of("21", "later, committed first", "21");

            p.exec("b", "UPDATE items SET name = 'from b' WHERE id = 3", "DELETE FROM items WHERE id = 10",
                    "INSERT INTO vals (id, t) VALUES (2, 'b only')");
            p.exec("a", "UPDATE vals SET n = -0.000001, jb = '[]' WHERE id = 1");
            CliRun back = sync(p, 0, "sync", "b", "a");
            assertThat(back.out()).containsPattern("(?m)^items\\s+pushed 2  pulled 1  conflicts 0$")
                    .containsPattern("(?m)^vals\\s+pushed 1  pulled 1  conflicts 0$");
            p.bothHold(ITEMS_ROWS, List.of(List.of("2", "two", "22"), List.of("3", "from b", "3"), row20, row21));
            assertThat(p.rows("a", VALS_ROWS)).isEqualTo(p.rows("b", VALS_ROWS)).hasSize(2);
            assertThat(p.rows("a", "SELECT n::text, jb::text FROM vals WHERE id = 1"))
                    .containsExactly(List.of("-0.000001", "[]"));

            // a conflict: both sites change key 2; the version policy keeps a's (two edits against one)
            p.exec("a", "UPDATE items SET qty = 23 WHERE id = 2", "UPDATE items SET qty = 24 WHERE id = 2");
            p.exec("b", "UPDATE items SET name = 'b two' WHERE id = 2");
            CliRun conflicted = sync(p, 3, "sync", "a", "b");
            assertThat(conflicted.out()).containsPattern("(?m)^items\\s+pushed \\d+  pulled \\d+  conflicts 1$");
            p.bothHold(ITEMS_ROWS, List.of(List.of("2", "two", "24"), List.of("3", "from b", "3"), row20, row21));
            List<List<String>> recordA = p.rows("a", "SELECT conflict_id, kind, status, winner FROM dovetail.conflict");
            assertThat(recordA).hasSize(1);
            assertThat(recordA.get(0).subList(1, 4)).isEqualTo(List.of("update/update", "auto", "a"));
            assertThat(p.rows("b", "SELECT conflict_id, kind, status, winner FROM dovetail.conflict"))
                    .isEqualTo(recordA);
            String id = recordA.get(0).get(0);
            CliRun list = CliRun.of("conflicts", "list", "a", "--config", config);
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains(id, "update/update");

            CliRun resolve = CliRun.of("conflicts", "resolve", "a", id, "--keep", "b", "--config", config);
            assertThat(resolve.exitCode()).as(resolve.err()).isZero();
            assertThat(resolve.out()).contains(id, "resolved, kept b");
            assertThat(p.rows("a", "SELECT id, name, qty FROM items WHERE id = 2"))
                    .containsExactly(List.of("2", "b two", "22"));
            CliRun carried = sync(p, 0, "sync", "b", "a");
            assertThat(carried.out()).containsPattern("(?m)^items\\s+pushed 0  pulled 1  conflicts 0$");
            p.bothHold(ITEMS_ROWS, List.of(List.of("2", "b two", "22"), List.of("3", "from b", "3"), row20, row21));
            for (String site : List.of("a", "b")) {
                assertThat(p.rows(site, "SELECT conflict_id, status, kept FROM dovetail.conflict"))
                        .as("conflict record at %s", site).containsExactly(List.of(id, "resolved", "b"));
            }

            CliRun verify = CliRun.of("verify", "a", "b", "--config", config);
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.out()).contains("items  identical (4 rows)", "vals  identical (2 rows)");
            p.exec("a", "ANALYZE items", "ANALYZE vals"); // status shows the planner's row estimate (~N)
            CliRun status = CliRun.of("status", "a", "--config", config);
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).containsPattern("(?m)^items\\s+~?4\\s+b\\s+0\\s")
                    .containsPattern("(?m)^vals\\s+~?2\\s+b\\s+0\\s");

            CliRun uninstall = CliRun.of("uninstall", "a", "--config", config);
            assertThat(uninstall.exitCode()).as(uninstall.err()).isZero();
            assertThat(p.rows("a", "SELECT column_name, data_type FROM information_schema.columns"
                    + " WHERE table_name = 'items' ORDER BY ordinal_position").stream().map(r -> String.join(" ", r))
                    .toList()).isEqualTo(before);
            assertThat(p.count("a", "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'dovetail'"))
                    .isZero();
            p.exec("a", "TRUNCATE items");
        }
    }

    private static CliRun sync(Pair p, int expectedExit, String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--config", p.configFile.toString()))
                .toArray(String[]::new);
        CliRun r = CliRun.of(all);
        assertThat(r.exitCode()).as("%s: out %s err %s", String.join(" ", args), r.out(), r.err())
                .isEqualTo(expectedExit);
        assertThat(r.err()).as("stderr of %s", String.join(" ", args)).isEmpty();
        return r;
    }

    /**
     * Site {@code a} on another server and site {@code b} on the suite's, a dovetail.yml naming
     * them, and plain JDBC as an application has it.
     */
    private static final class Pair implements AutoCloseable {
        final Map<String, TestDatabase> dbs = new LinkedHashMap<>();
        final Path dir;
        Path configFile;

        Pair(PostgresDatabaseExtension other, String prefix) throws IOException {
            dbs.put("a", other.newDatabase(prefix + "_a"));
            dbs.put("b", suite.newDatabase(prefix + "_b"));
            dir = Files.createTempDirectory("dovetail-pgversions");
        }

        String config(String... tablesYaml) {
            StringBuilder yaml = new StringBuilder("sites:\n");
            dbs.forEach((name, db) -> yaml.append("  ").append(name).append(":\n    url: ").append(db.url())
                    .append("\n    user: ").append(db.user()).append('\n'));
            yaml.append(String.join("\n", tablesYaml)).append('\n');
            configFile = dir.resolve("dovetail.yml");
            try {
                Files.writeString(configFile, yaml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return configFile.toString();
        }

        void exec(String site, String... sql) {
            try (Connection c = dbs.get(site).connect(); Statement s = c.createStatement()) {
                for (String statement : sql) {
                    s.execute(statement);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(site + ": " + e.getMessage(), e);
            }
        }

        List<List<String>> rows(String site, String query) {
            List<List<String>> out = new ArrayList<>();
            try (Connection c = dbs.get(site).connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(query)) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.add(v == null ? null : v instanceof byte[] b ? HexFormat.of().formatHex(b) : v.toString());
                    }
                    out.add(row);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(site + ": " + e.getMessage(), e);
            }
            return out;
        }

        long count(String site, String query) {
            return Long.parseLong(rows(site, query).get(0).get(0));
        }

        void bothHold(String query, List<List<String>> expected) {
            assertThat(rows("a", query)).as("rows at a").isEqualTo(expected);
            assertThat(rows("b", query)).as("rows at b").isEqualTo(expected);
        }

        @Override
        public void close() {
            dbs.values().forEach(TestDatabase::close);
        }
    }
}
