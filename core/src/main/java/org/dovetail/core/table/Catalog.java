package org.dovetail.core.table;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.dovetail.core.dialect.Dialect;

/**
 * Reads tables from a site's catalog through JDBC metadata: resolves configured names
 * with the database's folding rules and describes columns and primary keys.
 */
public final class Catalog {
    private final Connection connection;
    private final Dialect dialect;

    public Catalog(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /** The catalog's table for a configured name, with user columns only; empty when there is none. */
    public Optional<TableShape> find(TableName table) throws SQLException {
        String schema = table.schema() == null ? dialect.schemaOf(connection.getSchema())
                : table.schemaQuoted() ? table.schema() : dialect.fold(table.schema());
        String name = table.nameQuoted() ? table.name() : dialect.fold(table.name());
        if (!exists(schema, name)) {
            return Optional.empty();
        }
        return Optional.of(describe(schema, name, false));
    }

    /** Whether a table or view of exactly that schema and name exists. */
    public boolean exists(String schema, String name) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet rs = meta.getTables(null, escape(meta, schema), escape(meta, name), null)) {
            while (rs.next()) {
                if (schema.equals(dialect.schemaOf(rs.getString("TABLE_SCHEM"))) && rs.getString("TABLE_NAME").equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Describes a table: columns in ordinal order and the primary key in key order.
     * Bookkeeping columns are left out unless {@code includeBookkeeping}.
     */
    public TableShape describe(String schema, String name, boolean includeBookkeeping) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, escape(meta, schema), escape(meta, name), "%")) {
            TreeMap<Integer, Column> byPosition = new TreeMap<>();
            while (rs.next()) {
                if (!schema.equals(dialect.schemaOf(rs.getString("TABLE_SCHEM"))) || !rs.getString("TABLE_NAME").equals(name)) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                if (!includeBookkeeping && dialect.bookkeeping().all().contains(column)) {
                    continue;
                }
                byPosition.put(rs.getInt("ORDINAL_POSITION"), dialect.column(new Column(column, rs.getInt("DATA_TYPE"),
                        rs.getString("TYPE_NAME"), rs.getInt("COLUMN_SIZE"), rs.getInt("DECIMAL_DIGITS"),
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                        "YES".equals(rs.getString("IS_GENERATEDCOLUMN")))));
            }
            columns.addAll(byPosition.values());
        }
        TreeMap<Integer, String> key = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, name)) {
            while (rs.next()) {
                key.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return new TableShape(schema, name, columns, new ArrayList<>(key.values()));
    }

    /** The tables the table's foreign keys refer to, as {@code schema.name} the catalog stores (itself included). */
    public java.util.Set<String> parents(TableShape table) throws SQLException {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        try (ResultSet rs = connection.getMetaData().getImportedKeys(null, table.schema(), table.name())) {
            while (rs.next()) {
                out.add(dialect.schemaOf(rs.getString("PKTABLE_SCHEM")) + "." + rs.getString("PKTABLE_NAME"));
            }
        }
        return out;
    }

    private static String escape(DatabaseMetaData meta, String pattern) throws SQLException {
        String esc = meta.getSearchStringEscape();
        if (esc == null || esc.isEmpty()) {
            return pattern;
        }
        return pattern.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }
}
