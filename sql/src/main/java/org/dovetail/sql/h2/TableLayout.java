package org.dovetail.sql.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a replicated table's key, user and {@code DV_} columns sit in the row arrays H2
 * passes to a trigger, read from INFORMATION_SCHEMA on the trigger's first call and again
 * when the rows' width changes (a column added or dropped; H2 also loads the triggers again
 * then, but under the name of the table's temporary copy).
 */
record TableLayout(String schema, String table, int width, List<String> keyNames, int[] key, int[] user,
                   List<String> userNames, int version, int origin, int site, int changedAt, int seq, int from,
                   int cols) {

    static final String VERSION = "DV_VERSION";
    static final String ORIGIN = "DV_ORIGIN";
    static final String SITE = "DV_SITE";
    static final String CHANGED_AT = "DV_CHANGED_AT";
    static final String SEQ = "DV_SEQ";
    static final String FROM = "DV_FROM";
    /** Present when the table is under {@code merge: columns}: which columns each change touched. */
    static final String COLS = "DV_COLS";

    static TableLayout read(Connection connection, String schema, String table) throws SQLException {
        Map<String, Integer> positions = columnPositions(connection, schema, table);
        List<String> keyNames = primaryKey(connection, schema, table);
        if (keyNames.isEmpty()) {
            throw new SQLException("Dovetail trigger on " + schema + "." + table + ": the table has no primary key");
        }
        List<Integer> user = new ArrayList<>();
        positions.forEach((name, position) -> {
            if (!name.toUpperCase(Locale.ROOT).startsWith("DV_")) {
                user.add(position);
            }
        });
        Lookup at = name -> {
            Integer position = positions.get(name);
            if (position == null) {
                throw new SQLException("Dovetail trigger on " + schema + "." + table + ": column " + name
                        + " is missing (run dovetail install)");
            }
            return position;
        };
        int[] key = new int[keyNames.size()];
        for (int i = 0; i < key.length; i++) {
            key[i] = at.position(keyNames.get(i));
        }
        int[] userPositions = user.stream().mapToInt(Integer::intValue).sorted().toArray();
        Map<Integer, String> names = new HashMap<>();
        positions.forEach((name, position) -> names.put(position, name));
        List<String> userNames = java.util.Arrays.stream(userPositions).mapToObj(names::get).toList();
        return new TableLayout(schema, table, positions.size(), List.copyOf(keyNames), key, userPositions, userNames,
                at.position(VERSION), at.position(ORIGIN), at.position(SITE), at.position(CHANGED_AT),
                at.position(SEQ), at.position(FROM), positions.getOrDefault(COLS, -1));
    }

    /** Whether the table exists (under exactly that name). */
    static boolean exists(Connection connection, String schema, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT 1 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** {@code schema.table}, as H2 names the table to its triggers. */
    String qualifiedName() {
        return schema + "." + table;
    }

    /** Whether the table keeps {@code DV_COLS} (merge: columns). */
    boolean tracksColumns() {
        return cols >= 0;
    }

    /** The primary-key values of a row, in key order. */
    Object[] keyOf(Object[] row) {
        Object[] values = new Object[key.length];
        for (int i = 0; i < key.length; i++) {
            values[i] = row[key[i]];
        }
        return values;
    }

    private interface Lookup {
        int position(String name) throws SQLException;
    }

    /** Column name to its 0-based index in the row arrays (ORDINAL_POSITION is 1-based and dense in H2). */
    private static Map<String, Integer> columnPositions(Connection connection, String schema, String table)
            throws SQLException {
        Map<String, Integer> positions = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME, ORDINAL_POSITION"
                + " FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.put(rs.getString(1), rs.getInt(2) - 1);
                }
            }
        }
        return positions;
    }

    private static List<String> primaryKey(Connection connection, String schema, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT K.COLUMN_NAME"
                + " FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS C JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE K"
                + " ON K.CONSTRAINT_SCHEMA = C.CONSTRAINT_SCHEMA AND K.CONSTRAINT_NAME = C.CONSTRAINT_NAME"
                + " WHERE C.CONSTRAINT_TYPE = 'PRIMARY KEY' AND C.TABLE_SCHEMA = ? AND C.TABLE_NAME = ?"
                + " ORDER BY K.ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
