package org.dovetail.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Values survive the trip exactly, both ways, including across PostgreSQL and H2. */
class ValuesIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String PG_DDL = "CREATE TABLE kinds (id BIGINT, sub VARCHAR(10), t TEXT, e VARCHAR(20), "
            + "n NUMERIC(20,6), f DOUBLE PRECISION, b BOOLEAN, bin BYTEA, d DATE, ts TIMESTAMP, "
            + "tstz TIMESTAMP WITH TIME ZONE, u UUID, j JSON, big TEXT, PRIMARY KEY (id, sub))";
    static final String H2_DDL = "CREATE TABLE kinds (id BIGINT, sub VARCHAR(10), t VARCHAR(1000), e VARCHAR(20), "
            + "n NUMERIC(20,6), f DOUBLE PRECISION, b BOOLEAN, bin VARBINARY(1000), d DATE, ts TIMESTAMP, "
            + "tstz TIMESTAMP WITH TIME ZONE, u UUID, j JSON, big CHARACTER LARGE OBJECT, PRIMARY KEY (id, sub))";

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.PG, Kind.H2),
                Arguments.of(Kind.H2, Kind.PG));
    }

    private static String ddl(Kind k) {
        return k == Kind.PG ? PG_DDL : H2_DDL;
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void everyKindOfValueArrivesExactlyBothWays(Kind ka, Kind kb) throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", ka, ddl(ka)).site("b", kb, ddl(kb))) {
            Dovetail d = new Dovetail(new ConfigLoader(System.getenv()).load(sites.config("tables: [kinds]")),
                    System.getenv());
            d.install("a");
            d.install("b");
            String big = "x😀".repeat(1_500_000);
            try (Connection c = sites.connect("a")) {
                insert(c, 1, "one", "", null, new BigDecimal("12345678901234.123456"), 0.1, true,
                        new byte[] {0, 1, (byte) 0xff, 0x7f}, LocalDate.of(1999, 12, 31),
                        LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000),
                        OffsetDateTime.parse("2024-06-01T12:00:00.5+02:00"),
                        UUID.fromString("f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f"), "{\"a\":[1,2,{\"b\":null}]}", big);
                insert(c, 1, "two", "𝄞 clef, 😀 and ünïcødé", "", new BigDecimal("-1.100000"), -1.5E-300, false,
                        new byte[0], LocalDate.of(1, 1, 1), LocalDateTime.of(1970, 1, 1, 0, 0),
                        OffsetDateTime.parse("1969-07-20T20:17:40Z"), UUID.randomUUID(), "[]", "");
                insert(c, 2, "nulls", null, null, null, null, null, null, null, null, null, null, null, null);
                // the separators and escapes of PostgreSQL's COPY text format, inside values
                insert(c, 3, "tab\tkey", "tab\there\nnew\r\nline \\ and \\N", "\\x41", BigDecimal.ZERO, 1e308,
                        true, new byte[] {0x5c, 0x09, 0x0a}, LocalDate.of(9999, 12, 31),
                        LocalDateTime.of(2000, 1, 1, 0, 0, 0, 1000), OffsetDateTime.parse("2100-01-01T00:00:00.000001Z"),
                        UUID.randomUUID(), "{\"k\":\"a\\tb\\\\c\"}", "\\.\n\\.");
            }
            d.sync(SyncOptions.both("a", "b"));
            assertThat(read(sites, "b")).isEqualTo(read(sites, "a")).hasSize(4);
            assertThat(read(sites, "b").get(0)).contains("12345678901234.123456/scale 6", "0001ff7f", "2024-06-01T10:00:00.500Z");
            assertThat(read(sites, "b").get(1)).contains("-1.100000/scale 6", "'𝄞 clef, 😀 and ünïcødé'");

            sites.exec("b", "UPDATE kinds SET e = 'changed at b' WHERE id = 1 AND sub = 'one'");
            d.sync(SyncOptions.both("a", "b"));
            assertThat(read(sites, "a")).isEqualTo(read(sites, "b"));
            assertThat(read(sites, "a").get(0)).contains("'changed at b'");

            // years the COPY text format cannot spell as ISO dates travel by bound statements
            try (Connection c = sites.connect("a")) {
                insert(c, 4, "far", "far", null, null, null, null, null, LocalDate.of(10000, 1, 1),
                        LocalDateTime.of(12345, 6, 7, 8, 9), OffsetDateTime.parse("+10000-01-01T00:00:00Z"),
                        null, null, null);
            }
            d.sync(SyncOptions.both("a", "b"));
            assertThat(read(sites, "b")).isEqualTo(read(sites, "a")).hasSize(5);
            assertThat(read(sites, "b").get(4)).contains("+10000-01-01", "+12345-06-07T08:09");
            assertThat(new Verify(d).identical()).isTrue();
        }
    }

    private record Verify(Dovetail d) {
        boolean identical() {
            return d.verify("a", "b", List.of()).identical();
        }
    }

    private static void insert(Connection c, long id, String sub, String t, String e, BigDecimal n, Double f,
                               Boolean b, byte[] bin, LocalDate d, LocalDateTime ts, OffsetDateTime tstz, UUID u,
                               String j, String big) throws SQLException {
        boolean pg = c.getMetaData().getURL().startsWith("jdbc:postgresql");
        String json = pg ? "CAST(? AS json)" : "? FORMAT JSON";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kinds (id, sub, t, e, n, f, b, bin, d, ts, tstz, "
                + "u, j, big) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + json + ", ?)")) {
            ps.setLong(1, id);
            ps.setString(2, sub);
            ps.setString(3, t);
            ps.setString(4, e);
            ps.setBigDecimal(5, n);
            ps.setObject(6, f);
            ps.setObject(7, b);
            ps.setBytes(8, bin);
            ps.setObject(9, d);
            ps.setObject(10, ts);
            ps.setObject(11, tstz);
            ps.setObject(12, u);
            ps.setString(13, j);
            ps.setString(14, big);
            ps.executeUpdate();
        }
    }

    /** Every value read with its exact Java type and printed unambiguously. */
    private static List<List<String>> read(TestSites sites, String site) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = sites.connect(site);
             ResultSet rs = c.createStatement().executeQuery("SELECT id, sub, t, e, n, f, b, bin, d, ts, tstz, u, j, "
                     + "big FROM kinds ORDER BY id, sub")) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                row.add(String.valueOf(rs.getLong(1)));
                row.add(rs.getString(2));
                row.add(quoted(rs.getString(3)));
                row.add(quoted(rs.getString(4)));
                BigDecimal n = rs.getBigDecimal(5);
                row.add(n == null ? "NULL" : n.toPlainString() + "/scale " + n.scale());
                double f = rs.getDouble(6);
                row.add(rs.wasNull() ? "NULL" : Double.toString(f));
                boolean b = rs.getBoolean(7);
                row.add(rs.wasNull() ? "NULL" : Boolean.toString(b));
                byte[] bin = rs.getBytes(8);
                row.add(bin == null ? "NULL" : HexFormat.of().formatHex(bin));
                row.add(String.valueOf(rs.getObject(9, LocalDate.class)));
                row.add(String.valueOf(rs.getObject(10, LocalDateTime.class)));
                OffsetDateTime tstz = rs.getObject(11, OffsetDateTime.class);
                row.add(tstz == null ? "NULL" : tstz.toInstant().toString());
                row.add(String.valueOf(rs.getObject(12, UUID.class)));
                row.add(quoted(rs.getString(13)));
                String big = rs.getString(14);
                row.add(big == null ? "NULL" : big.length() + ":" + big.hashCode());
                rows.add(row);
            }
        }
        return rows;
    }

    private static String quoted(String s) {
        return s == null ? "NULL" : "'" + s + "'";
    }
}
