package org.dovetail.core.dialect.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.dovetail.core.dialect.SqlTemplate;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;

/** Renders the SQLite templates of the {@code sql} module for one table. */
final class SqliteScripts {
    private static final SqlTemplate ADD_COLUMNS = SqlTemplate.load("sqlite", "add-columns.sql");
    private static final SqlTemplate TABLE = SqlTemplate.load("sqlite", "install-table.sql");
    private static final SqlTemplate TRIGGERS = SqlTemplate.load("sqlite", "install-triggers.sql");
    private static final SqlTemplate UNINSTALL = SqlTemplate.load("sqlite", "uninstall.sql");
    private static final SqlTemplate DROP_COLUMNS = SqlTemplate.load("sqlite", "drop-columns.sql");
    /** The column an add-columns.sql or drop-columns.sql statement is about. */
    private static final Pattern COLUMN_STATEMENT = Pattern.compile("(?:ADD|DROP) COLUMN (dv_[a-z_]+)");
    /** The bookkeeping columns of a SQLite table (no dv_txid: see SqliteChangeCapture). */
    static final List<String> BOOKKEEPING = List.of("dv_version", "dv_origin", "dv_site", "dv_changed_at", "dv_seq",
            "dv_from");
    /** The column of a table under merge: columns (docs/bookkeeping.md, "Column changes"). */
    static final String COLS = "dv_cols";
    /** The number the triggers just gave the row, from the change counter. */
    private static final String NEW_SEQ = "(SELECT value FROM dovetail_change_seq WHERE id = 1)";
    /** A random (version 4) UUID as text, made of SQLite's randomblob. */
    static final String NEW_ORIGIN = "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'"
            + " || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)"
            + " || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";
    /** Now, as ISO-8601 text in UTC with milliseconds ({@code 2026-12-02T08:30:00.123Z}). */
    static final String NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    private SqliteScripts() {
    }

    /** Every statement of an install, as if the table had none of the bookkeeping columns yet. */
    static List<String> install(TableShape table, boolean trackColumns) {
        return install(table, Set.of(), trackColumns);
    }

    /**
     * The install statements, leaving out the bookkeeping columns the table already has; without
     * {@code trackColumns} also dropping {@code dv_cols} if the table has it (SQLite has neither
     * ADD nor DROP COLUMN IF [NOT] EXISTS, so only the connection can tell).
     */
    static List<String> install(Connection connection, TableShape table, boolean trackColumns) throws SQLException {
        return install(table, columnsOf(connection, table), trackColumns);
    }

    private static List<String> install(TableShape table, Set<String> existing, boolean trackColumns) {
        Map<String, String> p = parameters(table, trackColumns);
        List<String> sql = new ArrayList<>(onlyColumns(ADD_COLUMNS.render(p),
                c -> !existing.contains(c) && (trackColumns || !c.equals(COLS))));
        sql.addAll(TABLE.render(p));
        sql.addAll(TRIGGERS.render(p));
        if (!trackColumns && existing.contains(COLS)) { // after the triggers that kept it are replaced
            sql.addAll(onlyColumns(DROP_COLUMNS.render(p), COLS::equals));
        }
        return sql;
    }

    static List<String> uninstall(TableShape table) {
        Map<String, String> p = parameters(table, false);
        List<String> sql = new ArrayList<>(UNINSTALL.render(p));
        sql.addAll(DROP_COLUMNS.render(p));
        return sql;
    }

    /** The uninstall statements, dropping only the bookkeeping columns the table still has. */
    static List<String> uninstall(Connection connection, TableShape table) throws SQLException {
        Set<String> existing = columnsOf(connection, table);
        Map<String, String> p = parameters(table, false);
        List<String> sql = new ArrayList<>(UNINSTALL.render(p));
        sql.addAll(onlyColumns(DROP_COLUMNS.render(p), existing::contains));
        return sql;
    }

    private static List<String> onlyColumns(List<String> statements, java.util.function.Predicate<String> keep) {
        return statements.stream().filter(s -> {
            Matcher m = COLUMN_STATEMENT.matcher(s);
            return !m.find() || keep.test(m.group(1));
        }).toList();
    }

    private static Set<String> columnsOf(Connection connection, TableShape table) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            ps.setString(1, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static Map<String, String> parameters(TableShape table, boolean trackColumns) {
        String name = table.name();
        Map<String, String> p = new HashMap<>();
        p.put("table", SqliteDialect.quote(name));
        p.put("tomb", SqliteDialect.quote(SqliteDialect.TOMB_PREFIX + name));
        p.put("seq_index", SqliteDialect.quote(name + "_dv_seq_idx"));
        p.put("tomb_seq_index", SqliteDialect.quote(SqliteDialect.TOMB_PREFIX + name + "_dv_seq_idx"));
        for (String trigger : List.of("insert", "update", "delete", "apply_insert", "apply_update", "tomb_insert",
                "tomb_update")) {
            p.put(trigger + "_trigger", SqliteDialect.quote("dv_trg_" + name + "_" + trigger));
        }
        List<Column> keys = table.keyColumns();
        p.put("key_definitions", join(keys, c -> SqliteDialect.quote(c.name()) + " " + SqliteTypes.declaration(c), ", "));
        p.put("key_columns", join(keys, c -> SqliteDialect.quote(c.name()), ", "));
        p.put("old_keys", join(keys, c -> "OLD." + SqliteDialect.quote(c.name()), ", "));
        p.put("new_key_match", join(keys, c -> SqliteDialect.quote(c.name()) + " = NEW." + SqliteDialect.quote(c.name()),
                " AND "));
        p.put("tomb_new_key_match", join(keys, c -> "t." + SqliteDialect.quote(c.name()) + " = NEW."
                + SqliteDialect.quote(c.name()), " AND "));
        p.put("key_changed", "(" + join(keys, c -> "NEW." + SqliteDialect.quote(c.name()) + " IS NOT OLD."
                + SqliteDialect.quote(c.name()), " OR ") + ")");
        List<String> bookkeeping = trackColumns ? withCols() : BOOKKEEPING;
        p.put("user_changed", userChanged(table, bookkeeping.size()));
        p.put("bookkeeping_changed", "(" + bookkeeping.stream().map(c -> "NEW." + c + " IS NOT OLD." + c)
                .collect(Collectors.joining(" OR ")) + ")");
        p.put("new_origin", NEW_ORIGIN);
        p.put("now", NOW);
        p.putAll(columnTracking(table, trackColumns, p.get("key_changed")));
        return p;
    }

    private static List<String> withCols() {
        List<String> all = new ArrayList<>(BOOKKEEPING);
        all.add(COLS);
        return all;
    }

    /**
     * The {@code *_cols} parameters of install-triggers.sql: empty without tracking (the triggers
     * stay as they were, at no cost), else what each trigger writes into {@code dv_cols}.
     */
    private static Map<String, String> columnTracking(TableShape table, boolean trackColumns, String keyChanged) {
        if (!trackColumns) {
            return Map.of("clear_cols", "", "update_cols", "", "apply_cols", "", "keep_cols", "");
        }
        String newEntry = NEW_SEQ + " || ''"; // an application's change: the row's new dv_seq as text
        String applied = NEW_SEQ + " || coalesce('@' || NEW.dv_from, '')"; // and the peer it came from
        return Map.of("clear_cols", ", " + COLS + " = NULL",
                "update_cols", ",\n        " + COLS + " = " + entries(table, keyChanged, newEntry),
                "apply_cols", ",\n        " + COLS + " = " + entries(table, keyChanged, applied),
                "keep_cols", ", " + COLS + " = OLD." + COLS);
    }

    /**
     * dv_cols after an UPDATE: NULL when it is bookkept as an INSERT (a key move, a row not
     * backfilled), else a JSON object of every column install knew but generated ones: {@code
     * newEntry} for a column whose stored value changed (the test of {@link #userChanged}, per
     * column), else OLD's entry for it, else OLD's row-level entry. json_object makes the text
     * values JSON strings; {@code ->>} reads OLD's (SQLite parses OLD.dv_cols once per statement).
     */
    private static String entries(TableShape table, String keyChanged, String newEntry) {
        String oldRow = "OLD.dv_seq || coalesce('@' || OLD.dv_from, '')";
        List<String> pairs = new ArrayList<>();
        for (Column c : table.columns()) {
            if (c.generated()) {
                continue;
            }
            pairs.add(SqliteDialect.literal(c.name()) + ", CASE WHEN " + changed(c) + " THEN " + newEntry
                    + "\n            ELSE coalesce(OLD." + COLS + " ->> " + SqliteDialect.literal(jsonPath(c.name()))
                    + ", " + oldRow + ") END");
        }
        return "CASE WHEN " + keyChanged + " OR OLD.dv_version IS NULL THEN NULL ELSE json_object(\n            "
                + String.join(",\n            ", pairs) + ") END";
    }

    /** The JSON path of a key, quoted as a JSON string would be (a name may hold '.', '"' or '\'). */
    private static String jsonPath(String key) {
        return "$.\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * True when a user column's stored value changed, its type or its bytes (so 'a' to 'A' under
     * NOCASE, and 1 to 1.0, are changes), or the table no longer has the columns install saw (a
     * column added later: every UPDATE then counts until install runs again, none goes unseen).
     */
    private static String userChanged(TableShape table, int bookkeepingColumns) {
        List<String> tests = new ArrayList<>();
        for (Column c : table.columns()) {
            tests.add(changed(c));
        }
        tests.add("(SELECT count(*) FROM pragma_table_info(" + SqliteDialect.literal(table.name()) + ")) IS NOT "
                + (table.columns().size() + bookkeepingColumns));
        return "(" + String.join("\n            OR ", tests) + ")";
    }

    /** True when the column's stored value changed: its type or its bytes, NULL equal only to NULL. */
    private static String changed(Column c) {
        String n = SqliteDialect.quote(c.name());
        return "typeof(NEW." + n + ") IS NOT typeof(OLD." + n + ") OR NEW." + n + " IS NOT OLD." + n
                + " COLLATE BINARY";
    }

    private static String join(List<Column> columns, Function<Column, String> each, String separator) {
        return columns.stream().map(each).collect(Collectors.joining(separator));
    }
}
