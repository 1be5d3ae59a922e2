package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cross-database matrix through the real command line: every ordered pair of the four
 * kinds of site (PostgreSQL, H2, SQLite, MariaDB) carries inserts, updates and deletes both
 * ways, records every kind of conflict (update/update, insert/insert, update/delete, and a
 * change the other database refuses) at both sites, lets the admin resolve them, and keeps
 * every documented type's values exactly ({@code verify} exit 0 and the values read back).
 */
class MatrixIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    /** Each kind's declaration of the same table: the types every kind carries (README, "Sites"). */
    static final Map<Kind, String> ITEMS = Map.of(
            Kind.PG, "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INTEGER, price NUMERIC(12,2),"
                    + " active BOOLEAN, born DATE, seen_at TIMESTAMP(6), ratio DOUBLE PRECISION, payload BYTEA, token UUID",
            Kind.H2, "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INTEGER, price NUMERIC(12,2),"
                    + " active BOOLEAN, born DATE, seen_at TIMESTAMP(6), ratio DOUBLE PRECISION, payload VARBINARY(100), token UUID",
            Kind.SQLITE, "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INTEGER, price DECIMAL TEXT,"
                    + " active BOOLEAN, born DATE, seen_at TIMESTAMP, ratio DOUBLE, payload BLOB, token UUID",
            Kind.MARIADB, "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT, price DECIMAL(12,2),"
                    + " active BOOLEAN, born DATE, seen_at DATETIME(6), ratio DOUBLE, payload VARBINARY(100), token UUID");
    static final String COLUMNS = "(id, name, qty, price, active, born, seen_at, ratio, payload, token)";
    /** Text with 4-byte characters, quotes and a comma. */
    static final String NAME = "Zoë's \"café\", 𝄞 ✓ 漢字";

    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (Kind a : Kind.values()) {
            for (Kind b : Kind.values()) {
                out.add(Arguments.of(a, b));
            }
        }
        return out.stream();
    }

    private static String bytes(Kind kind, String hex) {
        return kind == Kind.PG ? "decode('" + hex + "', 'hex')" : "X'" + hex + "'";
    }

    private static String insert(Kind kind, long id, String name, int qty, String price) {
        return "INSERT INTO items " + COLUMNS + " VALUES (" + id + ", '" + name.replace("'", "''") + "', " + qty
                + ", '" + price + "', TRUE, '2026-02-28', '2026-02-28 13:14:15.123456', 0.1, " + bytes(kind, "00ff10")
                + ", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')";
    }

    /** Row {@code id}'s values as an application reads them through JDBC, in one form for every database. */
    private static List<String> typed(TestSites sites, String site, long id) throws Exception {
        try (Connection c = sites.connect(site); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, qty, price, active, born, seen_at, ratio, payload, token"
                     + " FROM items WHERE id = " + id)) {
            assertThat(rs.next()).as("row %s at %s", id, site).isTrue();
            StringBuilder hex = new StringBuilder();
            for (byte b : rs.getBytes(8)) {
                hex.append(String.format("%02x", b));
            }
            return List.of(rs.getString(1), String.valueOf(rs.getLong(2)), new BigDecimal(rs.getString(3)).toPlainString(),
                    String.valueOf(rs.getBoolean(4)), rs.getString(5).substring(0, 10),
                    rs.getString(6).replace('T', ' '), String.valueOf(rs.getDouble(7)), hex.toString(),
                    rs.getString(9).toLowerCase(java.util.Locale.ROOT));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void everyPairCarriesChangesConflictsAndValues(Kind ka, Kind kb) throws Exception {
        // b refuses negative quantities; a does not
        String checkedAtB = ITEMS.get(kb) + ", CONSTRAINT items_qty_check CHECK (qty >= 0))";
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS.get(ka) + ")").site("b", kb, checkedAtB)) {
            String config = sites.config("tables: [items]").toString();
            for (String site : List.of("a", "b")) {
                CliRun install = CliRun.of("install", site, "--config", config);
                assertThat(install.exitCode()).as("install %s: %s", site, install.err()).isZero();
            }
            // one-sided inserts both ways, every type
            sites.exec("a", insert(ka, 1, NAME, 3, "12.30"), insert(ka, 2, "two", 5, "-0.05"),
                    insert(ka, 3, "three", 7, "99999999.99"));
            sites.exec("b", insert(kb, 11, "eleven", 1, "0.00"));
            CliRun first = CliRun.of("sync", "a", "b", "--config", config);
            assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
            assertThat(first.out()).contains("items  pushed 3  pulled 1  conflicts 0");
            assertThat(CliRun.of("verify", "a", "b", "--config", config).exitCode()).isZero();
            for (String site : List.of("a", "b")) {
                assertThat(typed(sites, site, 1)).as(site).isEqualTo(List.of(NAME, "3", "12.30", "true", "2026-02-28",
                        "2026-02-28 13:14:15.123456", "0.1", "00ff10", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
                assertThat(typed(sites, site, 2).get(2)).isEqualTo("-0.05");
                assertThat(typed(sites, site, 3).get(2)).isEqualTo("99999999.99");
            }

            // updates and deletes both ways
            sites.exec("a", "UPDATE items SET name = 'one', ratio = 2.5 WHERE id = 1", "DELETE FROM items WHERE id = 3");
            sites.exec("b", "UPDATE items SET qty = 2 WHERE id = 11", "DELETE FROM items WHERE id = 2");
            CliRun second = CliRun.of("sync", "a", "b", "--config", config);
            assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
            assertThat(second.out()).contains("items  pushed 2  pulled 2  conflicts 0");
            String ids = "SELECT id FROM items ORDER BY id";
            assertThat(sites.rows("a", ids)).isEqualTo(sites.rows("b", ids)).containsExactly(List.of("1"), List.of("11"));
            assertThat(CliRun.of("verify", "a", "b", "--config", config).exitCode()).isZero();

            // every kind of conflict: update/update, insert/insert, update/delete, and a refusal at b
            sites.exec("a", "UPDATE items SET name = 'a-one' WHERE id = 1", insert(ka, 50, "a-fifty", 1, "1.00"),
                    "UPDATE items SET qty = 9 WHERE id = 11", insert(ka, 60, "minus", -1, "1.00"));
            sites.exec("b", "UPDATE items SET name = 'b-one' WHERE id = 1", insert(kb, 50, "b-fifty", 1, "1.00"),
                    "DELETE FROM items WHERE id = 11");
            CliRun clash = CliRun.of("sync", "a", "b", "--config", config);
            assertThat(clash.exitCode()).as(clash.out() + clash.err()).isEqualTo(3);
            assertThat(clash.out()).contains("conflicts 4");
            CliRun listA = CliRun.of("conflicts", "list", "a", "--format", "csv", "--config", config);
            CliRun listB = CliRun.of("conflicts", "list", "b", "--format", "csv", "--config", config);
            assertThat(listA.exitCode()).isZero();
            List<Map<String, String>> records = ConflictsFixture.parseCsv(listA.out(), ConflictsFixture.LIST_HEADER);
            assertThat(records).extracting(r -> r.get("key") + " " + r.get("kind")).containsExactlyInAnyOrder(
                    "1 update/update", "50 insert/insert", "11 update/delete", "60 rejected");
            assertThat(ConflictsFixture.parseCsv(listB.out(), ConflictsFixture.LIST_HEADER))
                    .extracting(r -> r.get("id")).containsExactlyInAnyOrderElementsOf(
                            records.stream().map(r -> r.get("id")).toList());

            // the admin keeps b's copies; the next sync leaves both sites identical
            for (Map<String, String> r : records) {
                CliRun resolve = CliRun.of("conflicts", "resolve", "b", r.get("id"), "--keep", "b", "--config", config);
                assertThat(resolve.exitCode()).as("%s: %s", r, resolve.err()).isZero();
            }
            CliRun after = CliRun.of("sync", "a", "b", "--config", config);
            assertThat(after.exitCode()).as(after.out() + after.err()).isZero();
            assertThat(sites.rows("a", ids)).isEqualTo(sites.rows("b", ids))
                    .containsExactly(List.of("1"), List.of("50"));
            assertThat(sites.rows("a", "SELECT name FROM items ORDER BY id"))
                    .containsExactly(List.of("b-one"), List.of("b-fifty"));
            assertThat(CliRun.of("verify", "a", "b", "--config", config).exitCode()).isZero();
        }
    }
}
