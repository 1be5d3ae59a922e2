package org.dovetail.installer.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dovetail.core.dialect.postgres.PostgresDialect;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Column types as the installer meets them (described by pgjdbc's metadata): which are
 * supported, and that tombstone keys of every supported type hold the table's values exactly.
 */
class PostgresTypeIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    private static final PostgresDialect DIALECT = new PostgresDialect();

    /** A primary key over (nearly) every supported type, and an awkward value of each. */
    private static final Map<String, String> KEY = new LinkedHashMap<>();

    static {
        KEY.put("k_smallint smallint", "-32768");
        KEY.put("k_integer integer", "2147483647");
        KEY.put("k_bigint bigint", "-9223372036854775808");
        KEY.put("k_serial serial", "7");
        KEY.put("k_numeric numeric(10,2)", "12345678.90");
        KEY.put("k_number numeric", "1.500");
        KEY.put("k_decimal decimal(5)", "12345");
        KEY.put("k_real real", "3.4028235e38");
        KEY.put("k_double double precision", "-1.7976931348623157e308");
        KEY.put("k_bool boolean", "true");
        KEY.put("k_char char(3)", "'a'");
        KEY.put("k_varchar varchar(20)", "'Grüße 😀'");
        KEY.put("k_anyvarchar varchar", "''");
        KEY.put("k_text text", "'x' || repeat('y', 500)");
        KEY.put("k_bytes text COLLATE \"C\"", "'Zz'");
        KEY.put("k_bytea bytea", "'\\x00ff'::bytea");
        KEY.put("k_date date", "'2024-02-29'");
        KEY.put("k_time time(3)", "'23:59:59.123'");
        KEY.put("k_ts timestamp", "'2024-01-02 03:04:05.123456'");
        KEY.put("k_tstz timestamptz(3)", "'2024-01-02 03:04:05.678+05:30'");
        KEY.put("k_uuid uuid", "'6f1c3d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f'");
        KEY.put("k_jsonb jsonb", "'{\"a\": [1, 2.50]}'");
    }

    @BeforeAll
    static void metadata() {
        PostgresMetadata.create(pg.url(), pg.user(), null);
    }

    @Test
    void tombstoneKeysHaveTheTablesTypesAndHoldItsValuesExactly() throws SQLException {
        String columns = String.join(", ", KEY.keySet());
        String names = String.join(", ", KEY.keySet().stream().map(k -> k.split(" ")[0]).toList());
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE public.keyed (" + columns + ", v json, PRIMARY KEY (" + names + "))");
            TableShape shape = new Catalog(c, DIALECT).describe("public", "keyed", false);
            assertThat(shape.columns()).allSatisfy(col -> assertThat(DIALECT.unsupportedReason(col)).isEmpty());
            c.setAutoCommit(false);
            for (String sql : DIALECT.installSql(shape, "site")) {
                exec(c, sql);
            }
            c.commit();
            c.setAutoCommit(true);

            Map<String, String> table = types(c, "public.keyed");
            Map<String, String> tomb = types(c, "public.dv_tomb_keyed");
            for (String key : shape.primaryKey()) {
                String expected = switch (key) {
                    // declared with full precision, so they hold whatever the table's column does
                    case "k_time" -> "time without time zone";
                    case "k_tstz" -> "timestamp with time zone";
                    default -> table.get(key);
                };
                assertThat(tomb.get(key)).as(key).isEqualTo(expected);
            }

            exec(c, "INSERT INTO public.keyed VALUES (" + String.join(", ", KEY.values()) + ", '[ 1 ]')");
            String keyText = "SELECT (" + names + ")::text FROM ";
            String alive = queryString(c, keyText + "public.keyed");
            String origin = queryString(c, "SELECT dv_origin FROM public.keyed");
            exec(c, "UPDATE public.keyed SET v = '[1]'");
            exec(c, "DELETE FROM public.keyed");
            assertThat(queryString(c, keyText + "public.dv_tomb_keyed")).isEqualTo(alive);
            assertThat(queryString(c, "SELECT dv_version || ' ' || dv_origin FROM public.dv_tomb_keyed"))
                    .isEqualTo("3 " + origin);

            exec(c, "INSERT INTO public.keyed VALUES (" + String.join(", ", KEY.values()) + ", NULL)");
            assertThat(queryString(c, "SELECT dv_version || ' ' || dv_origin FROM public.keyed"))
                    .as("the tombstone was found by its key").isEqualTo("4 " + origin);
            assertThat(queryString(c, "SELECT count(*)::text FROM public.dv_tomb_keyed")).isEqualTo("0");
        }
    }

    @Test
    void typesWhoseValuesCannotMakeTheTripAreNamed() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, """
                    CREATE TYPE mood AS ENUM ('ok');
                    CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
                    CREATE TABLE public.odd (id integer PRIMARY KEY, a int4range, b integer[], c interval, d money,
                        e xml, f tsvector, g mood, h posint, i bit(3), j point, k timetz, l "char", m inet, n varbit,
                        o text[]);
                    CREATE TABLE public.fine (a smallint, b integer, c bigint, d smallserial, e serial, f bigserial,
                        g numeric, h numeric(5,1), i decimal, j real, k float8, l float(10), m boolean, n char(2),
                        o character varying(3), p varchar, q text, r bytea, s date, t time, u time(0),
                        v timestamp(1), w timestamp with time zone, x uuid, y json, z jsonb, aa bpchar);
                    """);
            Catalog catalog = new Catalog(c, DIALECT);
            Map<String, Optional<String>> reasons = new LinkedHashMap<>();
            for (Column col : catalog.describe("public", "odd", false).columns()) {
                reasons.put(col.name(), DIALECT.unsupportedReason(col));
            }
            assertThat(reasons).containsExactly(
                    Map.entry("id", Optional.empty()),
                    Map.entry("a", Optional.of("unsupported type 'int4range'")),
                    Map.entry("b", Optional.of("unsupported type 'int4[]'")),
                    Map.entry("c", Optional.of("unsupported type 'interval'")),
                    Map.entry("d", Optional.of("unsupported type 'money'")),
                    Map.entry("e", Optional.of("unsupported type 'xml'")),
                    Map.entry("f", Optional.of("unsupported type 'tsvector'")),
                    Map.entry("g", Optional.of("unsupported type 'mood'")),
                    Map.entry("h", Optional.of("unsupported type 'posint' (a domain)")),
                    Map.entry("i", Optional.of("unsupported type 'bit'")),
                    Map.entry("j", Optional.of("unsupported type 'point'")),
                    Map.entry("k", Optional.of("unsupported type 'timetz'")),
                    Map.entry("l", Optional.of("unsupported type '\"char\"'")),
                    Map.entry("m", Optional.of("unsupported type 'inet'")),
                    Map.entry("n", Optional.of("unsupported type 'varbit'")),
                    Map.entry("o", Optional.of("unsupported type 'text[]'")));
            List<Column> fine = catalog.describe("public", "fine", false).columns();
            assertThat(fine).hasSize(27)
                    .allSatisfy(col -> assertThat(DIALECT.unsupportedReason(col)).as(col.toString()).isEmpty());
        }
    }

    @Test
    void theTriggerFindsTombstonesThroughTheKeyIndexWhateverTheKeysCollation() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE public.coded (code text COLLATE \"C\" PRIMARY KEY, v integer)");
            c.setAutoCommit(false);
            for (String sql : DIALECT.installSql(new Catalog(c, DIALECT).describe("public", "coded", false), "site")) {
                exec(c, sql);
            }
            c.commit();
            c.setAutoCommit(true);
            exec(c, "INSERT INTO public.coded SELECT 'c' || i, i FROM generate_series(1, 5000) i;"
                    + " DELETE FROM public.coded; ANALYZE public.dv_tomb_coded");

            exec(c, "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0;"
                    + " SET auto_explain.log_nested_statements = on; SET client_min_messages = log");
            List<String> plans = new ArrayList<>();
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO public.coded VALUES ('c42', 42)");
                for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                    plans.add(w.getMessage());
                }
            }
            exec(c, "SET client_min_messages = notice; SET auto_explain.log_min_duration = -1");
            assertThat(plans).filteredOn(p -> p.contains("DELETE FROM \"public\".\"dv_tomb_coded\""))
                    .singleElement().asString().contains("Index Cond").doesNotContain("Seq Scan");
            assertThat(queryString(c, "SELECT dv_version::text FROM public.coded")).isEqualTo("3");
        }
    }

    private static Map<String, String> types(Connection c, String table) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT attname,"
                + " format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" + table + "'::regclass"
                + " AND attnum > 0 AND NOT attisdropped")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
