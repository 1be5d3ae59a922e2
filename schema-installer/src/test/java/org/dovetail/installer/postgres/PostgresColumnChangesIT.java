package org.dovetail.installer.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.dovetail.core.dialect.postgres.PostgresDialect;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * dv_cols of a table under merge: columns (docs/bookkeeping.md, "Column changes"), kept by the
 * PostgreSQL row trigger: rows written through plain JDBC, dv_cols read back and parsed.
 */
class PostgresColumnChangesIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    private static final PostgresDialect DIALECT = new PostgresDialect();
    private static final String SITE = "desk";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The table of the running test: {@code app.<test method name>}, installed with tracking. */
    private String table;
    private TableShape shape;

    @BeforeAll
    static void metadata() throws SQLException {
        PostgresTriggerTables.site(pg);
    }

    @BeforeEach
    void items(TestInfo test) throws SQLException {
        String name = PostgresTriggerTables.tableName(test);
        table = "app." + name;
        shape = new TableShape("app", name, List.of(
                new Column("id", Types.INTEGER, "int4", 10, 0, false),
                new Column("name", Types.VARCHAR, "varchar", 40, 0, false),
                new Column("Amount", Types.NUMERIC, "numeric", 0, 0, true),
                new Column("note", Types.VARCHAR, "text", Integer.MAX_VALUE, 0, true),
                new Column("twice", Types.NUMERIC, "numeric", 0, 0, true, true)), List.of("id"));
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE " + table + " (id integer PRIMARY KEY, name varchar(40) NOT NULL,"
                    + " \"Amount\" numeric, note text, twice numeric GENERATED ALWAYS AS (\"Amount\" * 2) STORED)");
            install(c, shape, true);
        }
    }

    @Test
    void anInsertLeavesDvColsNullInEitherModeWhateverItWrote() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name, dv_cols) VALUES (1, 'one', '{\"name\":\"1:1\"}')");
            c.setAutoCommit(false);
            DIALECT.setApplying(c, true);
            exec(c, "INSERT INTO " + table + " (id, name, dv_from, dv_cols) VALUES (2, 'two', 'laptop', '{}')");
            c.commit();

            assertThat(rawCols(c, 1)).isNull();
            assertThat(rawCols(c, 2)).isNull();
        }
    }

    @Test
    void anUpdateGivesTheChangedColumnTheNewEntryAndTheOthersTheRowsOldOne() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name, \"Amount\") VALUES (1, 'one', 1.0)");
            Bk inserted = row(c, 1);
            exec(c, "UPDATE " + table + " SET name = 'uno' WHERE id = 1");
            Bk first = row(c, 1);
            assertThat(first.seq).isGreaterThan(inserted.seq);
            assertThat(cols(c, 1)).isEqualTo(Map.of("id", inserted.entry(), "name", first.entry(),
                    "Amount", inserted.entry(), "note", inserted.entry()));

            // 1.0 to 1.00 is a change of the stored value (the row-level test, per column).
            exec(c, "UPDATE " + table + " SET \"Amount\" = 1.00, dv_cols = '{}' WHERE id = 1");
            Bk second = row(c, 1);
            assertThat(second.seq).isGreaterThan(first.seq);
            assertThat(cols(c, 1)).as("the first update's entry stays").isEqualTo(Map.of("id", inserted.entry(),
                    "name", first.entry(), "Amount", second.entry(), "note", inserted.entry()));
            assertThat(second.entry()).isEqualTo(second.seq + ":" + second.txid);
        }
    }

    @Test
    void anUpdateChangingNothingKeepsDvColsAlsoWhenItWritesDvCols() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            exec(c, "UPDATE " + table + " SET note = 'n' WHERE id = 1");
            String before = rawCols(c, 1);
            Bk bk = row(c, 1);
            assertThat(before).isNotNull();

            exec(c, "UPDATE " + table + " SET name = 'one' WHERE id = 1");
            exec(c, "UPDATE " + table + " SET dv_cols = '{\"name\":\"1:1\"}', dv_seq = 3 WHERE id = 1");
            exec(c, "UPDATE " + table + " SET dv_cols = NULL WHERE id = 1");
            assertThat(rawCols(c, 1)).isEqualTo(before);
            assertThat(row(c, 1)).isEqualTo(bk);
        }
    }

    @Test
    void applyingModeMarksTheChangedColumnsWithThePeerAndLeavesTheOthers() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name, note) VALUES (1, 'one', 'n')");
            Bk inserted = row(c, 1);
            c.setAutoCommit(false);
            DIALECT.setApplying(c, true);
            exec(c, "UPDATE " + table + " SET name = 'from laptop', \"Amount\" = 7, dv_version = 2,"
                    + " dv_from = 'laptop', dv_cols = '{}' WHERE id = 1");
            c.commit();
            Bk applied = row(c, 1);
            assertThat(applied.from).isEqualTo("laptop");
            assertThat(applied.entry()).isEqualTo(applied.seq + ":" + applied.txid + "@laptop");
            assertThat(cols(c, 1)).isEqualTo(Map.of("id", inserted.entry(), "name", applied.entry(),
                    "Amount", applied.entry(), "note", inserted.entry()));

            // A merge the sync writes as a change of this site's own: dv_from NULL, no '@'.
            DIALECT.setApplying(c, true);
            exec(c, "UPDATE " + table + " SET note = 'merged', dv_version = 3, dv_from = NULL WHERE id = 1");
            c.commit();
            Bk merged = row(c, 1);
            assertThat(merged.entry()).isEqualTo(merged.seq + ":" + merged.txid);
            assertThat(cols(c, 1)).isEqualTo(Map.of("id", inserted.entry(), "name", applied.entry(),
                    "Amount", applied.entry(), "note", merged.entry()));

            // An applied UPDATE that changes no column keeps every entry (its own row entry moves on).
            DIALECT.setApplying(c, true);
            exec(c, "UPDATE " + table + " SET dv_from = 'phone' WHERE id = 1");
            c.commit();
            assertThat(cols(c, 1)).isEqualTo(Map.of("id", inserted.entry(), "name", applied.entry(),
                    "Amount", applied.entry(), "note", merged.entry()));
        }
    }

    @Test
    void aRowWithoutEntriesFallsBackToItsOwnEntryWithItsPeer() throws SQLException {
        try (Connection c = pg.connect()) {
            c.setAutoCommit(false);
            DIALECT.setApplying(c, true);
            exec(c, "INSERT INTO " + table + " (id, name, dv_version, dv_from) VALUES (1, 'one', 1, 'laptop')");
            c.commit();
            Bk received = row(c, 1);
            exec(c, "UPDATE " + table + " SET note = 'here' WHERE id = 1");
            c.commit();
            Bk local = row(c, 1);
            assertThat(local.from).isNull();
            assertThat(received.entry()).endsWith("@laptop");
            assertThat(cols(c, 1)).isEqualTo(Map.of("id", received.entry(), "name", received.entry(),
                    "Amount", received.entry(), "note", local.entry()));
        }
    }

    @Test
    void aKeyMoveIsBookkeptAsAnInsertInEitherMode() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one'), (2, 'two')");
            exec(c, "UPDATE " + table + " SET name = 'uno' WHERE id IN (1, 2)");
            assertThat(rawCols(c, 1)).isNotNull();

            exec(c, "UPDATE " + table + " SET id = 11 WHERE id = 1");
            assertThat(rawCols(c, 11)).isNull();

            c.setAutoCommit(false);
            DIALECT.setApplying(c, true);
            exec(c, "UPDATE " + table + " SET id = 12 WHERE id = 2");
            c.commit();
            assertThat(rawCols(c, 12)).isNull();
        }
    }

    @Test
    void aRowNotBackfilledYetIsBookkeptAsAnInsert() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "ALTER TABLE " + table + " DISABLE TRIGGER USER");
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'old'), (2, 'old')");
            exec(c, "ALTER TABLE " + table + " ENABLE TRIGGER USER");

            exec(c, "UPDATE " + table + " SET name = 'new' WHERE id = 1");
            assertThat(row(c, 1).version).isEqualTo(1);
            assertThat(rawCols(c, 1)).isNull();

            c.setAutoCommit(false);
            DIALECT.setApplying(c, true); // as the backfill does
            exec(c, "UPDATE " + table + " SET dv_version = 1 WHERE id = 2 AND dv_version IS NULL");
            c.commit();
            assertThat(rawCols(c, 2)).isNull();
        }
    }

    @Test
    void installWithoutTrackingDropsDvColsWithTrackingAddsItBackAndUninstallRemovesIt() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            exec(c, "UPDATE " + table + " SET name = 'uno' WHERE id = 1");
            assertThat(rawCols(c, 1)).isNotNull();

            install(c, shape, false);
            assertThat(hasDvCols(c)).isFalse();
            exec(c, "UPDATE " + table + " SET name = 'eins' WHERE id = 1");
            assertThat(row(c, 1).version).isEqualTo(3);

            install(c, shape, true);
            install(c, shape, true);
            assertThat(hasDvCols(c)).isTrue();
            assertThat(rawCols(c, 1)).isNull();
            exec(c, "UPDATE " + table + " SET name = 'one' WHERE id = 1");
            assertThat(cols(c, 1)).containsEntry("name", row(c, 1).entry());

            for (String sql : DIALECT.uninstallSql(shape)) {
                exec(c, sql);
            }
            assertThat(hasDvCols(c)).isFalse();
            assertThat(columnsNamed(c, table.substring(4), "dv_%")).isEmpty();
        }
    }

    @Test
    void aTableInstalledWithoutTrackingHasNoDvCols() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE app.untracked (id integer PRIMARY KEY, name text)");
            TableShape untracked = new TableShape("app", "untracked", List.of(
                    new Column("id", Types.INTEGER, "int4", 10, 0, false),
                    new Column("name", Types.VARCHAR, "text", Integer.MAX_VALUE, 0, true)), List.of("id"));
            install(c, untracked, false);
            assertThat(columnsNamed(c, "untracked", "dv_%")).isNotEmpty().doesNotContain("dv_cols");
            exec(c, "INSERT INTO app.untracked VALUES (1, 'one')");
            exec(c, "UPDATE app.untracked SET name = 'uno'");
            assertThat(functionSource(c, "dv_trg_untracked_row")).doesNotContain("dv_cols");
        }
    }

    /**
     * The statements that keep dv_cols name everything with pg_catalog, as the rest of the SECURITY
     * DEFINER function does (PostgresTriggerIT.aCallersSearchPathCannotHijackTheTriggers): a role
     * that may only write the table puts look-alikes of what they use ahead of pg_catalog and in
     * pg_temp; none runs, and the entries are right.
     */
    @Test
    void aCallersSearchPathCannotHijackTheColumnEntries() throws SQLException {
        String role = "intruder_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name, note) VALUES (1, 'one', 'n')");
            Bk inserted = row(c, 1);
            exec(c, "CREATE ROLE " + role + " LOGIN PASSWORD 'secret'");
            exec(c, "GRANT USAGE ON SCHEMA app TO " + role);
            exec(c, "GRANT SELECT, UPDATE ON " + table + " TO " + role);
            exec(c, "GRANT CREATE ON DATABASE \"" + pg.database().name() + "\" TO " + role);
            try (Connection intruder = pg.database().connect(role, "secret")) {
                String trap = "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hijacked'; END $$";
                exec(intruder, "CREATE SCHEMA trap");
                exec(intruder, "CREATE FUNCTION trap.hijacked() RETURNS boolean " + trap);
                for (String function : List.of("concat(bigint, text, bigint, text) RETURNS text",
                        "json_object(text[], text[]) RETURNS json", "record_image_eq(record, record) RETURNS boolean",
                        "to_jsonb(text) RETURNS jsonb")) {
                    exec(intruder, "CREATE FUNCTION trap." + function + " " + trap);
                }
                int n = 0;
                for (String operator : List.of("->> (LEFTARG = jsonb, RIGHTARG = text", "|| (LEFTARG = text, RIGHTARG = text",
                        "|| (LEFTARG = text, RIGHTARG = varchar", "= (LEFTARG = text, RIGHTARG = text",
                        "= (LEFTARG = integer, RIGHTARG = integer")) {
                    String args = operator.replaceAll(".*LEFTARG = (\\w+), RIGHTARG = (\\w+)", "$1, $2");
                    exec(intruder, "CREATE FUNCTION trap.op" + n + "(" + args + ") RETURNS text " + trap);
                    exec(intruder, "CREATE OPERATOR trap." + operator + ", FUNCTION = trap.op" + n++ + ")");
                }
                for (String type : List.of("text", "jsonb", "json", "int8")) {
                    exec(intruder, "CREATE DOMAIN trap." + type + " AS pg_catalog." + type + " CHECK (trap.hijacked())");
                    exec(intruder, "CREATE DOMAIN pg_temp." + type + " AS pg_catalog." + type
                            + " CHECK (trap.hijacked())");
                }
                exec(intruder, "SET search_path = trap, pg_catalog");
                assertThatThrownBy(() -> exec(intruder, "SELECT concat(1::bigint, 'a'::text, 2::bigint, 'b'::text)"))
                        .hasMessageContaining("hijacked");

                String one = " WHERE id OPERATOR(pg_catalog.=) 1";
                exec(intruder, "UPDATE " + table + " SET name = 'uno'" + one);
                Bk first = row(c, 1);
                exec(intruder, "UPDATE " + table + " SET note = 'N'" + one);
                Bk second = row(c, 1);
                assertThat(cols(c, 1)).isEqualTo(Map.of("id", inserted.entry(), "name", first.entry(),
                        "Amount", inserted.entry(), "note", second.entry()));
            }
            exec(c, "DROP OWNED BY " + role + "; DROP ROLE " + role);
        }
    }

    /**
     * 60 user columns, more than jsonb_build_object could take (100 arguments, 50 columns); one
     * of them with a name that needs quoting both as SQL and as JSON.
     */
    @Test
    void aWideTableGetsAnEntryForEveryColumn() throws SQLException {
        String odd = "it's \"c59\"";
        List<String> names = new ArrayList<>(IntStream.rangeClosed(1, 58).mapToObj(i -> "c" + i).toList());
        names.add(odd);
        List<Column> columns = new ArrayList<>(List.of(new Column("id", Types.INTEGER, "int4", 10, 0, false)));
        names.forEach(name -> columns.add(new Column(name, Types.INTEGER, "int4", 10, 0, true)));
        TableShape wide = new TableShape("app", "wide", columns, List.of("id"));
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE app.wide (id integer PRIMARY KEY, "
                    + names.stream().map(n -> "\"" + n.replace("\"", "\"\"") + "\" integer").collect(Collectors.joining(", "))
                    + ")");
            install(c, wide, true);
            exec(c, "INSERT INTO app.wide (id) VALUES (1)");
            Bk inserted = bookkeeping(c, "app.wide", 1);
            exec(c, "UPDATE app.wide SET \"it's \"\"c59\"\"\" = 59, c1 = 1 WHERE id = 1");
            Bk updated = bookkeeping(c, "app.wide", 1);
            Map<String, String> expected = new LinkedHashMap<>();
            for (Column column : columns) {
                expected.put(column.name(), inserted.entry());
            }
            expected.put("c1", updated.entry());
            expected.put(odd, updated.entry());
            assertThat(parse(queryString(c, "SELECT dv_cols FROM app.wide WHERE id = 1"))).hasSize(60)
                    .isEqualTo(expected);
        }
    }

    // ---- fixture ----

    /** The bookkeeping a dv_cols entry is made of. */
    record Bk(Long version, Long seq, Long txid, String from) {
        /** {@code SEQ:TXID[@FROM]}. */
        String entry() {
            return seq + ":" + txid + (from == null ? "" : "@" + from);
        }
    }

    private static void install(Connection c, TableShape shape, boolean trackColumns) throws SQLException {
        PostgresTriggerTables.install(c, DIALECT.installSql(shape, SITE, trackColumns));
    }

    private Bk row(Connection c, int id) throws SQLException {
        return bookkeeping(c, table, id);
    }

    private static Bk bookkeeping(Connection c, String from, int id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT dv_version, dv_seq, dv_txid, dv_from FROM " + from + " WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("row %d of %s", id, from).isTrue();
                return new Bk(rs.getObject(1, Long.class), rs.getObject(2, Long.class), rs.getObject(3, Long.class),
                        rs.getString(4));
            }
        }
    }

    private String rawCols(Connection c, int id) throws SQLException {
        return queryString(c, "SELECT dv_cols FROM " + table + " WHERE id = " + id);
    }

    private Map<String, String> cols(Connection c, int id) throws SQLException {
        return parse(rawCols(c, id));
    }

    private static Map<String, String> parse(String json) {
        assertThat(json).isNotNull();
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("dv_cols is not a JSON object of strings: " + json, e);
        }
    }

    private boolean hasDvCols(Connection c) throws SQLException {
        return columnsNamed(c, table.substring(4), "dv_cols").contains("dv_cols");
    }

    private static List<String> columnsNamed(Connection c, String tableName, String like) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = 'app' AND table_name = ? AND column_name LIKE ?")) {
            s.setString(1, tableName);
            s.setString(2, like);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static String functionSource(Connection c, String name) throws SQLException {
        return queryString(c, "SELECT prosrc FROM pg_proc WHERE proname = '" + name + "'");
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    static void exec(Connection c, String sql) throws SQLException {
        PostgresTriggerTables.exec(c, sql);
    }
}
