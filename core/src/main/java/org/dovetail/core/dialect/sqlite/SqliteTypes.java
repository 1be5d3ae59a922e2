package org.dovetail.core.dialect.sqlite;

import java.sql.Types;
import java.util.Locale;
import java.util.Optional;
import org.dovetail.core.table.Column;

/**
 * SQLite's declared column types: which of them Dovetail carries exactly, and as what. SQLite
 * stores any value in any column (a declared type only gives the column an affinity), and its
 * JDBC driver reports most types loosely (a DATE or a BLOB as VARCHAR, a BOOLEAN as INTEGER),
 * so the declared type alone decides; the README's SQLite type table lists them.
 */
final class SqliteTypes {

    private SqliteTypes() {
    }

    /** The column as the sync must see it: the JDBC type (and type name) its declared type stands for. */
    static Column described(Column reported) {
        String type = base(reported);
        int jdbc = jdbcType(type);
        String name = switch (type) {
            case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE" -> "timestamptz";
            case "UUID" -> "uuid";
            case "JSON" -> "json";
            case "BOOLEAN", "BOOL" -> "boolean";
            default -> reported.typeName();
        };
        return new Column(reported.name(), jdbc, name, reported.size(), reported.scale(), reported.nullable(),
                reported.generated());
    }

    /** Empty when the declared type is one of those carried exactly, else why not. */
    static Optional<String> unsupportedReason(Column column) {
        String type = base(column);
        if (jdbcType(type) != Types.OTHER) {
            return Optional.empty();
        }
        if (type.isEmpty()) {
            return Optional.of("no declared type (SQLite would keep any value in it; declare one of the types"
                    + " Dovetail carries)");
        }
        if (type.equals("NUMERIC") || type.equals("DECIMAL")) {
            return Optional.of("unsupported type '" + column.typeName() + "' (SQLite keeps such values as 8-byte"
                    + " floating point, losing digits and scale; declare it DECIMAL TEXT to carry decimals exactly)");
        }
        return Optional.of("unsupported type '" + column.typeName() + "'");
    }

    /** The declared type to give another column holding this column's values (the tombstone's key). */
    static String declaration(Column column) {
        String type = column.typeName() == null ? "" : column.typeName().strip();
        return type.isEmpty() ? "BLOB" : type;
    }

    private static int jdbcType(String type) {
        if (type.contains("INT")) { // SQLite's first affinity rule: any type naming INT is an integer
            return Types.BIGINT;
        }
        return switch (type) {
            case "BOOLEAN", "BOOL" -> Types.BOOLEAN;
            case "REAL", "DOUBLE", "DOUBLE PRECISION", "FLOAT" -> Types.DOUBLE;
            case "TEXT", "CHAR", "CHARACTER", "VARCHAR", "CHARACTER VARYING", "VARYING CHARACTER", "NCHAR",
                 "NATIVE CHARACTER", "NVARCHAR", "CLOB" -> Types.VARCHAR;
            case "BLOB" -> Types.BLOB;
            case "DECIMAL TEXT", "NUMERIC TEXT" -> Types.NUMERIC;
            case "DATE" -> Types.DATE;
            case "TIME" -> Types.TIME;
            case "TIMESTAMP", "DATETIME" -> Types.TIMESTAMP;
            case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "UUID", "JSON" -> Types.VARCHAR;
            default -> Types.OTHER;
        };
    }

    /** {@code varchar(20)} gives {@code VARCHAR}; case and spaces normalised. */
    private static String base(Column column) {
        String type = column.typeName() == null ? "" : column.typeName();
        return type.replaceAll("\\([^)]*\\)", " ").strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }
}
