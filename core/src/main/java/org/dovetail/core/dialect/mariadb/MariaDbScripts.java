package org.dovetail.core.dialect.mariadb;

import static org.dovetail.core.dialect.mariadb.MariaDbNames.qualified;
import static org.dovetail.core.dialect.mariadb.MariaDbNames.quote;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;

/** Fills the MariaDB templates of module sql for one site or table. */
final class MariaDbScripts {
    private static final MariaDbTemplate SITE = MariaDbTemplate.load("site-objects.sql");
    private static final MariaDbTemplate INSTALL = MariaDbTemplate.load("install-table.sql");
    private static final MariaDbTemplate UNINSTALL = MariaDbTemplate.load("uninstall-table.sql");
    private static final List<String> BOOKKEEPING = List.of("dv_version", "dv_origin", "dv_site", "dv_changed_at",
            "dv_seq", "dv_from");
    /** The dv_ column of a table under {@code merge: columns} (docs/bookkeeping.md, "Column changes"). */
    private static final String COLS = "dv_cols";
    /** install-table.sql's sections: the lines only a table under merge: columns, or any other, gets. */
    private static final Set<String> TRACKED = Set.of("columns");
    private static final Set<String> UNTRACKED = Set.of("rows");

    private MariaDbScripts() {
    }

    static List<String> site(String meta) {
        return SITE.render(Map.of("meta", quote(meta)));
    }

    static List<String> install(TableShape table, String meta, String siteName, boolean trackColumns) {
        return INSTALL.render(parameters(table, meta, siteName, trackColumns), trackColumns ? TRACKED : UNTRACKED);
    }

    static List<String> uninstall(TableShape table, String meta) {
        return UNINSTALL.render(parameters(table, meta, "", false));
    }

    private static Map<String, String> parameters(TableShape table, String meta, String siteName,
                                                  boolean trackColumns) {
        String db = table.schema();
        List<String> key = table.primaryKey();
        Map<String, String> p = new HashMap<>();
        p.put("table", qualified(db, table.name()));
        p.put("tomb", qualified(db, MariaDbNames.tombstone(table.name())));
        p.put("guard", qualified(db, MariaDbNames.guard(table.name())));
        p.put("guard_fk", quote(MariaDbNames.fit("dv_guard_fk_" + table.name(), "")));
        p.put("seq_index", quote(MariaDbNames.seqIndex(table.name())));
        p.put("key_columns", MariaDbNames.quotedList(key));
        p.put("meta", quote(meta));
        p.put("site", MariaDbNames.literal(siteName));
        p.put("ins_trigger", qualified(db, MariaDbNames.trigger(table.name(), "ins")));
        p.put("upd_trigger", qualified(db, MariaDbNames.trigger(table.name(), "upd")));
        p.put("del_trigger", qualified(db, MariaDbNames.trigger(table.name(), "del")));
        p.put("new_key_is", key.stream().map(k -> quote(k) + " = NEW." + quote(k)).collect(Collectors.joining(" AND ")));
        p.put("old_key_values", key.stream().map(k -> "OLD." + quote(k)).collect(Collectors.joining(", ")));
        p.put("key_moved", "NOT (" + key.stream().map(k -> "NEW." + quote(k) + " <=> OLD." + quote(k))
                .collect(Collectors.joining(" AND ")) + ")");
        List<Column> compared = table.columns().stream().filter(c -> !c.generated()).toList();
        p.put("same_user_values", compared.isEmpty() ? "TRUE" : compared.stream().map(MariaDbScripts::same)
                .collect(Collectors.joining(" AND ")));
        List<String> kept = trackColumns ? Stream.concat(BOOKKEEPING.stream(), Stream.of(COLS)).toList() : BOOKKEEPING;
        p.put("keep_old_bookkeeping", "SET " + kept.stream().map(c -> "NEW." + c + " = OLD." + c)
                .collect(Collectors.joining(", ")));
        p.put("db_literal", MariaDbNames.literal(db));
        p.put("table_literal", MariaDbNames.literal(table.name()));
        p.put("ins_trigger_literal", MariaDbNames.literal(MariaDbNames.trigger(table.name(), "ins")));
        p.put("upd_trigger_literal", MariaDbNames.literal(MariaDbNames.trigger(table.name(), "upd")));
        p.put("column_entries", compared.stream().map(MariaDbScripts::entry)
                .collect(Collectors.joining(",\n                ", "JSON_OBJECT(\n                ", ")")));
        return p;
    }

    /**
     * The column's dv_cols entry after an UPDATE that changed the row: the trigger's
     * {@code new_entry} when the column changed (by the row-level test), else OLD's entry for
     * it, else the trigger's {@code old_entry} (OLD's row-level one).
     */
    private static String entry(Column column) {
        return MariaDbNames.literal(column.name()) + ", IF(" + same(column) + ", COALESCE(JSON_VALUE(OLD." + COLS
                + ", " + MariaDbNames.literal(jsonPath(column.name())) + "), old_entry), new_entry)";
    }

    /** The JSON path of a member named {@code name}, quoted, so any name is one member. */
    private static String jsonPath(String name) {
        return "$.\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Whether an UPDATE left the column as it was: byte for byte for text and binary (a case
     * change under a case-insensitive collation is a change), by value otherwise; NULL only
     * equals NULL.
     */
    private static String same(Column column) {
        String c = quote(column.name());
        return MariaDbTypes.comparedAsBytes(column) ? "BINARY NEW." + c + " <=> BINARY OLD." + c
                : "NEW." + c + " <=> OLD." + c;
    }
}
