package org.dovetail.core.dialect.h2;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dovetail.core.dialect.SqlTemplate;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;

/**
 * Fills the H2 templates of the {@code sql} module for one table: the DDL that installs its
 * bookkeeping (columns, indexes, tombstone table, TRUNCATE guard, Java triggers) and the DDL
 * that removes it again.
 */
final class H2Scripts {
    /** The trigger classes of module sql; named, not referenced, as they run inside the database. */
    static final String TRIGGER_CLASS = "org.dovetail.sql.h2.ChangeTrigger";
    /** After an UPDATE that moved rows to other keys, removes tombstones of keys that are alive. */
    static final String KEYS_TRIGGER_CLASS = "org.dovetail.sql.h2.KeyMoveTrigger";
    private static final SqlTemplate INSTALL_TABLE = SqlTemplate.load("h2", "install-table.sql");
    private static final SqlTemplate UNINSTALL = SqlTemplate.load("h2", "uninstall.sql");
    private static final SqlTemplate TRACK_COLUMNS = SqlTemplate.load("h2", "track-columns.sql");
    private static final SqlTemplate UNTRACK_COLUMNS = SqlTemplate.load("h2", "untrack-columns.sql");

    private H2Scripts() {
    }

    static List<String> install(TableShape table, boolean trackColumns) {
        Map<String, String> p = names(table);
        p.put("key_definitions", keyList(table, c -> quote(c.name()) + " " + H2Types.ddl(c) + " NOT NULL"));
        p.put("key_columns", keyList(table, c -> quote(c.name())));
        p.put("tomb_seq_index", qualified(table, tombstone(table) + "_DV_SEQ_IDX"));
        p.put("tomb_key", quote(tombstone(table) + "_PK"));
        p.put("row_class", literal(TRIGGER_CLASS));
        p.put("keys_class", literal(KEYS_TRIGGER_CLASS));
        List<String> sql = new java.util.ArrayList<>((trackColumns ? TRACK_COLUMNS : UNTRACK_COLUMNS).render(p));
        sql.addAll(INSTALL_TABLE.render(p));
        return sql;
    }

    static List<String> uninstall(TableShape table) {
        return UNINSTALL.render(names(table));
    }

    /** The quoted names of the table and of everything install adds to it. */
    private static Map<String, String> names(TableShape table) {
        Map<String, String> p = new HashMap<>();
        p.put("table", qualified(table, table.name()));
        p.put("tomb", qualified(table, tombstone(table)));
        p.put("seq_index", qualified(table, table.name() + "_DV_SEQ_IDX"));
        p.put("no_truncate", qualified(table, table.name() + "_DV_NO_TRUNCATE"));
        p.put("row_trigger", qualified(table, "DV_TRG_" + table.name()));
        p.put("keys_trigger", qualified(table, "DV_TRG_" + table.name() + "_KEYS"));
        return p;
    }

    private static String tombstone(TableShape table) {
        return "DV_TOMB_" + table.name();
    }

    private static String keyList(TableShape table, Function<Column, String> item) {
        return table.keyColumns().stream().map(item).collect(Collectors.joining(", "));
    }

    private static String qualified(TableShape table, String name) {
        return quote(table.schema()) + "." + quote(name);
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
