package org.dovetail.core.row;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The one codec for user values: reads them from JDBC into a fixed Java type per
 * {@link ValueKind}, binds them back, compares them, and writes them as text and back
 * (for the conflict store and CSV), so that values survive the trip exactly.
 */
public final class Values {
    private Values() {
    }

    /** Reads column {@code index} of the result set as the kind's Java type (null for SQL NULL). */
    public static Object read(ResultSet rs, int index, ValueKind kind) throws SQLException {
        if (rs instanceof org.sqlite.core.CoreResultSet && isTemporal(kind)) {
            return sqliteTemporal(rs.getString(index), kind);
        }
        Object value = switch (kind) {
            case INTEGER -> rs.getLong(index);
            case DECIMAL -> rs.getBigDecimal(index);
            case FLOAT -> rs.getDouble(index);
            case BOOLEAN -> rs.getBoolean(index);
            case TEXT, JSON -> rs.getString(index);
            case BINARY -> rs.getBytes(index);
            case DATE -> rs.getObject(index, LocalDate.class);
            case TIME -> rs.getObject(index, LocalTime.class);
            case TIMESTAMP -> rs.getObject(index, LocalDateTime.class);
            case TIMESTAMPTZ -> offsetDateTime(rs, index);
            case UUID -> uuid(rs.getObject(index));
        };
        return rs.wasNull() ? null : value;
    }

    private static boolean isTemporal(ValueKind kind) {
        return kind == ValueKind.DATE || kind == ValueKind.TIME || kind == ValueKind.TIMESTAMP;
    }

    /**
     * SQLite keeps dates and times as ISO-8601 text, and its driver's own conversion reads six
     * fractional digits as milliseconds ({@code 13:14:15.123456} became {@code 13:16:18.456}):
     * the text is parsed here, with a space or a {@code T} between date and time.
     */
    private static Object sqliteTemporal(String text, ValueKind kind) {
        if (text == null) {
            return null;
        }
        String iso = text.strip();
        return switch (kind) {
            case DATE -> LocalDate.parse(iso);
            case TIME -> LocalTime.parse(iso);
            default -> LocalDateTime.parse(iso.length() > 10 && iso.charAt(10) == ' '
                    ? iso.substring(0, 10) + 'T' + iso.substring(11) : iso);
        };
    }

    /**
     * A driver that cannot convert (SQLite's, whose timestamps are ISO-8601 text: it throws, or
     * hands the text back as it is) gives the text to parse.
     */
    private static OffsetDateTime offsetDateTime(ResultSet rs, int index) throws SQLException {
        Class<?> type = OffsetDateTime.class;
        Object raw;
        try {
            raw = rs.getObject(index, type);
        } catch (java.sql.SQLFeatureNotSupportedException e) {
            raw = rs.getString(index);
        }
        return raw == null || raw instanceof OffsetDateTime ? (OffsetDateTime) raw : OffsetDateTime.parse(raw.toString());
    }

    private static java.util.UUID uuid(Object raw) {
        if (raw == null || raw instanceof java.util.UUID) {
            return (java.util.UUID) raw;
        }
        if (raw instanceof byte[] bytes && bytes.length == 16) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            return new java.util.UUID(b.getLong(), b.getLong());
        }
        return java.util.UUID.fromString(raw.toString());
    }

    /** Binds a value of the kind to a statement parameter. */
    public static void bind(PreparedStatement ps, int index, ValueKind kind, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, sqlType(kind));
            return;
        }
        switch (kind) {
            case INTEGER -> ps.setLong(index, ((Number) value).longValue());
            case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) value);
            case FLOAT -> ps.setDouble(index, ((Number) value).doubleValue());
            case BOOLEAN -> ps.setBoolean(index, (Boolean) value);
            case TEXT, JSON -> ps.setString(index, (String) value);
            case BINARY -> ps.setBytes(index, (byte[]) value);
            default -> ps.setObject(index, value);
        }
    }

    private static int sqlType(ValueKind kind) {
        return switch (kind) {
            case INTEGER -> Types.BIGINT;
            case DECIMAL -> Types.NUMERIC;
            case FLOAT -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case TEXT, JSON -> Types.VARCHAR;
            case BINARY -> Types.VARBINARY;
            case DATE -> Types.DATE;
            case TIME -> Types.TIME;
            case TIMESTAMP -> Types.TIMESTAMP;
            case TIMESTAMPTZ -> Types.TIMESTAMP_WITH_TIMEZONE;
            case UUID -> Types.OTHER;
        };
    }

    /** Whether two values of the same kind are the same value (instants for time zones, exact scale for decimals). */
    public static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof OffsetDateTime x && b instanceof OffsetDateTime y) {
            return x.isEqual(y);
        }
        return Objects.equals(a, b);
    }

    /** A stable hash consistent with {@link #same}. */
    public static int hash(Object value) {
        if (value instanceof byte[] bytes) {
            return Arrays.hashCode(bytes);
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant().hashCode();
        }
        return Objects.hashCode(value);
    }

    /** The value as text that {@link #fromText} reads back exactly; null stays null. */
    public static String toText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Double d) {
            return Double.toString(d);
        }
        return value.toString();
    }

    /** Reads text written by {@link #toText} back into the kind's Java type. */
    public static Object fromText(String text, ValueKind kind) {
        if (text == null) {
            return null;
        }
        return switch (kind) {
            case INTEGER -> Long.parseLong(text);
            case DECIMAL -> new BigDecimal(text);
            case FLOAT -> Double.parseDouble(text);
            case BOOLEAN -> Boolean.parseBoolean(text);
            case TEXT, JSON -> text;
            case BINARY -> Base64.getDecoder().decode(text);
            case DATE -> LocalDate.parse(text);
            case TIME -> LocalTime.parse(text);
            case TIMESTAMP -> LocalDateTime.parse(text);
            case TIMESTAMPTZ -> OffsetDateTime.parse(text);
            case UUID -> java.util.UUID.fromString(text);
        };
    }
}
