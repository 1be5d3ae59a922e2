package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An initial copy of 1,203 rows from PostgreSQL to a SQLite and to a MariaDB site (the path
 * bench/bulk-bench.sh times) keeps every value exactly (text with 4-byte characters, tabs,
 * newlines, backslashes and quotes, NULL against the empty string, decimals with scale,
 * timestamps with microseconds, bytes), and a row the target refuses in the middle of a batch
 * is set aside while the others arrive.
 */
class InitialCopyValuesIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final int ROWS = 1203;
    static final Map<Kind, String> ITEMS = Map.of(
            Kind.PG, "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, qty INTEGER, price NUMERIC(12,2),"
                    + " seen_at TIMESTAMP(6), payload BYTEA)",
            Kind.SQLITE, "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, qty INTEGER CHECK (qty >= 0),"
                    + " price DECIMAL TEXT, seen_at TIMESTAMP, payload BLOB)",
            Kind.MARIADB, "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, qty INT CHECK (qty >= 0),"
                    + " price DECIMAL(12,2), seen_at DATETIME(6), payload VARBINARY(100))");

    /** Row g's values, in PostgreSQL's SQL; row 600 has a quantity the target refuses. */
    static final String ROWS_SQL = "INSERT INTO items SELECT g,"
            + " CASE g % 6 WHEN 0 THEN NULL WHEN 1 THEN ''"
            + "   WHEN 2 THEN 'a' || chr(9) || 'b' || chr(10) || 'c' || chr(13) || chr(10) || 'd \\ \\N 𝄞 😀 ' || g"
            + "   WHEN 3 THEN 'Zoë''s \"café\", 漢字, ' || g WHEN 4 THEN repeat('x', 300) || g ELSE 'item ' || g END,"
            + " CASE WHEN g = 600 THEN -1 ELSE g END,"
            + " CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 101 - 60000) / 100.0 END,"
            + " TIMESTAMP '2026-02-28 13:14:15.000001' + g * INTERVAL '1.000003 second',"
            + " CASE WHEN g % 5 = 0 THEN NULL WHEN g % 5 = 1 THEN ''::bytea"
            + "   ELSE decode(lpad(to_hex(g), 8, '0') || '00ff5c0a09', 'hex') END"
            + " FROM generate_series(1, " + ROWS + ") g";

    /** Every row's values as an application reads them through JDBC, in one form for every database. */
    private static List<String> values(TestSites sites, String site) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = sites.connect(site); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, qty, price, payload FROM items ORDER BY id")) {
            while (rs.next()) {
                byte[] bytes = rs.getBytes(5);
                StringBuilder hex = new StringBuilder(bytes == null ? "<null>" : "x");
                if (bytes != null) {
                    for (byte b : bytes) {
                        hex.append(String.format("%02x", b));
                    }
                }
                String price = rs.getString(4);
                out.add(rs.getLong(1) + "|" + Objects.toString(rs.getString(2), "<null>") + "|" + rs.getLong(3) + "|"
                        + (price == null ? "<null>" : new java.math.BigDecimal(price).setScale(2).toPlainString())
                        + "|" + hex);
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"SQLITE", "MARIADB"})
    void initialCopyKeepsEveryValueAndSetsARefusedRowAside(Kind kind) throws Exception {
        try (TestSites sites = new TestSites(pg).site("pg", Kind.PG, ITEMS.get(Kind.PG)).site("t", kind, ITEMS.get(kind))) {
            String config = sites.config("tables: [items]").toString();
            sites.exec("pg", ROWS_SQL);
            for (String site : List.of("pg", "t")) {
                CliRun install = CliRun.of("install", site, "--config", config);
                assertThat(install.exitCode()).as("install %s: %s", site, install.err()).isZero();
            }
            CliRun sync = CliRun.of("sync", "pg", "t", "--config", config);
            assertThat(sync.exitCode()).as(sync.out() + sync.err()).isEqualTo(3);
            assertThat(sync.out()).contains("conflicts 1");
            List<String> expected = values(sites, "pg");
            expected.removeIf(row -> row.startsWith("600|"));
            assertThat(expected).hasSize(ROWS - 1);
            assertThat(values(sites, "t")).isEqualTo(expected);
            // the timestamps, compared by Dovetail once the refused row is fixed at the source
            sites.exec("pg", "UPDATE items SET qty = 0 WHERE id = 600");
            CliRun again = CliRun.of("sync", "pg", "t", "--config", config);
            assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
            CliRun verify = CliRun.of("verify", "pg", "t", "--config", config);
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            assertThat(sites.count("t", "SELECT count(*) FROM items")).isEqualTo(ROWS);
        }
    }
}
