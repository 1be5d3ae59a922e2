package org.dovetail.core.table;

import java.util.List;
import java.util.Optional;

/**
 * A replicated table as found in one site's catalog: its resolved schema and name, its
 * user columns (bookkeeping columns left out) and its primary key.
 */
public record TableShape(String schema, String name, List<Column> columns, List<String> primaryKey) {

    public TableShape {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** {@code schema.table} exactly as stored in the catalog; the key used in metadata. */
    public String key() {
        return schema + "." + name;
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public List<Column> keyColumns() {
        return primaryKey.stream().map(k -> column(k).orElseThrow()).toList();
    }
}
