package org.dovetail.core.row;

import java.sql.Types;
import java.util.Locale;
import org.dovetail.core.table.Column;

/**
 * The kind of value a column carries, independent of the database: what Java type it is
 * read into, how it is compared and how it is written as text. Two sites' columns are
 * compatible when their kinds are equal.
 */
public enum ValueKind {
    INTEGER, DECIMAL, FLOAT, BOOLEAN, TEXT, BINARY, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, UUID, JSON;

    /** The kind of a catalog column; {@code null} when Dovetail cannot carry it. */
    public static ValueKind of(Column column) {
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        if (type.equals("uuid")) {
            return UUID;
        }
        if (type.equals("json") || type.equals("jsonb")) {
            return JSON;
        }
        if (type.equals("timestamptz") || type.equals("timestamp with time zone")) {
            return TIMESTAMPTZ;
        }
        return switch (column.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> INTEGER;
            case Types.NUMERIC, Types.DECIMAL -> DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> FLOAT;
            case Types.BOOLEAN, Types.BIT -> type.equals("bool") || type.equals("boolean") || column.size() <= 1
                    ? BOOLEAN : null;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> TEXT;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
            case Types.DATE -> DATE;
            case Types.TIME -> TIME;
            case Types.TIMESTAMP -> TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMPTZ;
            default -> null;
        };
    }
}
