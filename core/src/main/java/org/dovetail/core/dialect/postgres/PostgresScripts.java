package org.dovetail.core.dialect.postgres;

import org.dovetail.core.dialect.SqlTemplate;
import org.dovetail.core.dialect.IndexBuild;

import static org.dovetail.core.dialect.postgres.PostgresNames.derived;
import static org.dovetail.core.dialect.postgres.PostgresNames.quote;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;

/**
 * Fills the PostgreSQL templates of the {@code sql} module for one table: the DDL that
 * installs its bookkeeping (columns, indexes, tombstone table, trigger functions and
 * triggers) and the DDL that removes it again.
 */
final class PostgresScripts {
    private static final SqlTemplate INSTALL_TABLE = SqlTemplate.load("postgres", "install-table.sql");
    private static final SqlTemplate ROW_TRIGGER = SqlTemplate.load("postgres", "row-trigger.sql");
    private static final SqlTemplate DELETE_TRIGGER = SqlTemplate.load("postgres", "delete-trigger.sql");
    private static final SqlTemplate TRUNCATE_TRIGGER = SqlTemplate.load("postgres", "truncate-trigger.sql");
    private static final SqlTemplate SITE_FUNCTIONS = SqlTemplate.load("postgres", "site-functions.sql");
    private static final SqlTemplate INSTALL_TRIGGERS = SqlTemplate.load("postgres", "install-triggers.sql");
    private static final SqlTemplate INSTALL_INDEXES = SqlTemplate.load("postgres", "install-indexes.sql");
    private static final SqlTemplate UNINSTALL = SqlTemplate.load("postgres", "uninstall.sql");
    private static final SqlTemplate COLUMN_CHANGES = SqlTemplate.load("postgres", "column-changes.sql");
    /** The parameters column-changes.sql's pieces fill, in the order of the file. */
    private static final List<String> COLUMN_PIECES = List.of("cols_column", "cols_column_dropped",
            "old_cols_variable", "old_entry_variable", "cols_applied", "cols_kept", "cols_changed", "cols_inserted");
    /** Continues an AND chain in a trigger body on its own line, under the IF. */
    private static final String AND = "\n               AND ";

    private PostgresScripts() {
    }

    /** The site's applying-mode functions, once per install, before any table's triggers. */
    static List<String> site() {
        return SITE_FUNCTIONS.render(Map.of());
    }

    static List<String> install(TableShape table, String siteName, boolean trackColumns) {
        Map<String, String> p = names(table);
        p.put("site", PostgresNames.literal(siteName));
        p.put("key_definitions", keyList(table, c -> quote(c.name()) + " " + type(c).declaration(c) + " NOT NULL",
                ",\n    "));
        p.put("key_columns", keyList(table, c -> quote(c.name()), ", "));
        p.put("old_key", keyList(table, c -> "OLD." + quote(c.name()), ", "));
        p.put("same_key", keyList(table, c -> "NEW." + quote(c.name()) + " OPERATOR(pg_catalog.=) OLD."
                + quote(c.name()), AND));
        p.put("new_values", userColumns(table, "NEW."));
        p.put("old_values", userColumns(table, "OLD."));
        p.put("keep_generated", table.columns().stream().filter(Column::generated)
                .map(c -> "\n                NEW." + quote(c.name()) + " := OLD." + quote(c.name()) + ";")
                .collect(Collectors.joining()));
        p.put("live_has_new_key", keyList(table, c -> "live." + quote(c.name()) + " OPERATOR(pg_catalog.=) NEW."
                + quote(c.name()), " AND "));
        p.put("tomb_has_new_key", keyList(table, PostgresScripts::tombHasNewKey, " AND "));
        p.put("truncate_refusal", PostgresNames.literal("TRUNCATE of replicated table " + table.schema() + "."
                + table.name() + " is refused by Dovetail: use DELETE so the deletes reach the other sites"));
        columnChanges(table, trackColumns, p);
        List<String> statements = new ArrayList<>(INSTALL_TABLE.render(p));
        p.put("function", p.get("row_function"));
        statements.addAll(ROW_TRIGGER.render(p));
        p.put("function", p.get("delete_function"));
        statements.addAll(DELETE_TRIGGER.render(p));
        p.put("function", p.get("truncate_function"));
        statements.addAll(TRUNCATE_TRIGGER.render(p));
        statements.addAll(INSTALL_TRIGGERS.render(p));
        return List.copyOf(statements);
    }

    /** The table's indexes on dv_seq and dv_txid; an index left INVALID by an interrupted build is rebuilt. */
    static List<IndexBuild> indexes(TableShape table) {
        Map<String, String> p = names(table);
        List<String> create = INSTALL_INDEXES.render(p);
        return List.of(index(table, p.get("seq_index"), create.get(0)), index(table, p.get("txid_index"), create.get(1)));
    }

    private static IndexBuild index(TableShape table, String name, String create) {
        String qualified = quote(table.schema()) + "." + name;
        return new IndexBuild(qualified, create, "DROP INDEX CONCURRENTLY IF EXISTS " + qualified,
                "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(" + PostgresNames.literal(qualified) + ")");
    }

    static List<String> uninstall(TableShape table) {
        Map<String, String> p = names(table);
        p.put("seq_index", quote(table.schema()) + "." + p.get("seq_index"));
        p.put("txid_index", quote(table.schema()) + "." + p.get("txid_index"));
        return UNINSTALL.render(p);
    }

    /** The quoted names of the table and of everything install adds to it. */
    private static Map<String, String> names(TableShape table) {
        String schema = table.schema();
        String name = table.name();
        String tomb = PostgresNames.tombstone(name);
        Map<String, String> p = new HashMap<>();
        p.put("table", quote(schema, name));
        p.put("tomb", quote(schema, tomb));
        p.put("seq_index", quote(derived("", name, "_dv_seq_idx")));
        p.put("txid_index", quote(derived("", name, "_dv_txid_idx")));
        p.put("tomb_seq_index", quote(derived("", tomb, "_dv_seq_idx")));
        p.put("tomb_txid_index", quote(derived("", tomb, "_dv_txid_idx")));
        p.put("row_trigger", quote(derived("dv_trg_", name, "_row")));
        p.put("delete_trigger", quote(derived("dv_trg_", name, "_del")));
        p.put("row_function", quote(schema, derived("dv_trg_", name, "_row")));
        p.put("delete_function", quote(schema, derived("dv_trg_", name, "_del")));
        p.put("truncate_trigger", quote(derived("dv_trg_", name, "_trunc")));
        p.put("truncate_function", quote(schema, derived("dv_trg_", name, "_trunc")));
        return p;
    }

    /**
     * The pieces of column-changes.sql: with trackColumns, dv_cols and the trigger statements that
     * keep it; without, dv_cols dropped and no trigger statement at all, so the row function is the
     * one of a table that never had dv_cols.
     */
    private static void columnChanges(TableShape table, boolean trackColumns, Map<String, String> p) {
        p.put("changed_columns", changedColumns(table));
        List<String> pieces = COLUMN_CHANGES.render(p);
        if (pieces.size() != COLUMN_PIECES.size()) {
            throw new IllegalStateException("column-changes.sql has " + pieces.size() + " pieces, not "
                    + COLUMN_PIECES.size());
        }
        Map<String, String> filled = new HashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            filled.put(COLUMN_PIECES.get(i), pieces.get(i));
        }
        p.put("cols_column", filled.get(trackColumns ? "cols_column" : "cols_column_dropped"));
        for (String statement : COLUMN_PIECES.subList(2, COLUMN_PIECES.size())) {
            p.put(statement, trackColumns ? "\n" + filled.get(statement) + ";" : "");
        }
    }

    /**
     * The new dv_cols (column-changes.sql's changed_columns): json_object of two arrays, the names
     * and the entries of the columns, since a function takes at most 100 arguments and an array
     * any number of elements.
     */
    private static String changedColumns(TableShape table) {
        List<Column> columns = table.columns().stream().filter(c -> !c.generated()).toList();
        return "pg_catalog.json_object(ARRAY[" + columns.stream().map(c -> PostgresNames.literal(c.name()))
                .collect(Collectors.joining(", ")) + "]::pg_catalog.text[], ARRAY["
                + columns.stream().map(PostgresScripts::columnEntry).collect(Collectors.joining(","))
                + "])::pg_catalog.text";
    }

    /** One column's entry: the new one when its stored value changed, else OLD's. */
    private static String columnEntry(Column c) {
        String column = quote(c.name());
        return "\n                CASE WHEN pg_catalog.record_image_eq(ROW(NEW." + column + "), ROW(OLD." + column + "))"
                + "\n                    THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) " + PostgresNames.literal(c.name())
                + ", dv_old_entry)\n                    ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid,"
                + " '@' OPERATOR(pg_catalog.||) NEW.dv_from) END";
    }

    /** Every user column of the NEW or OLD row but generated ones, in {@link PostgresType#comparisonOrder}. */
    private static String userColumns(TableShape table, String row) {
        return table.columns().stream()
                .filter(c -> !c.generated())
                .sorted(Comparator.comparingInt(c -> type(c).comparisonOrder()))
                .map(c -> row + quote(c.name()))
                .collect(Collectors.joining(", "));
    }

    /** The tombstone's key column has the database's default collation, the table's may not. */
    private static String tombHasNewKey(Column c) {
        String collation = type(c).collatable() ? " COLLATE pg_catalog.\"default\"" : "";
        return "tomb." + quote(c.name()) + " OPERATOR(pg_catalog.=) NEW." + quote(c.name()) + collation;
    }

    private static String keyList(TableShape table, Function<Column, String> item, String separator) {
        return table.keyColumns().stream().map(item).collect(Collectors.joining(separator));
    }

    private static PostgresType type(Column column) {
        return PostgresType.of(column).orElseThrow(() -> new IllegalArgumentException(
                "column " + quote(column.name()) + ": " + PostgresType.unsupportedReason(column)));
    }
}
