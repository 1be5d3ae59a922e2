package org.dovetail.core.dialect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.dovetail.core.row.ValueKind;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * PostgreSQL's {@code COPY ... FROM STDIN} in text format: fields separated by tabs, rows
 * by newlines, NULL as {@code \N}, backslash escapes for the separators. Values are written
 * in PostgreSQL's own input syntax; a value that syntax cannot spell exactly (a year before 1
 * or after 9999) makes the caller fall back to bound statements.
 */
final class PostgresCopy implements BulkCopy {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    @Override
    public Rows rows() {
        return new TextRows();
    }

    @Override
    public long copyIn(Connection connection, String table, List<String> columns, Rows rows) throws SQLException {
        TextRows text = (TextRows) rows;
        byte[] data = text.out.toString().getBytes(StandardCharsets.UTF_8);
        String sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN";
        try {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            return copy.copyIn(sql, new ByteArrayInputStream(data), 1 << 16);
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), "08006", e);
        }
    }

    /** Rows in COPY text format. */
    static final class TextRows implements Rows {
        private final StringBuilder out = new StringBuilder(1 << 16);
        private boolean rowStarted;
        private int count;

        private void separate() {
            if (rowStarted) {
                out.append('\t');
            }
            rowStarted = true;
        }

        @Override
        public boolean value(ValueKind kind, Object value) {
            if (value == null) {
                separate();
                out.append("\\N");
                return true;
            }
            switch (kind) {
                case INTEGER -> number(((Number) value).longValue());
                case DECIMAL -> plain(((BigDecimal) value).toPlainString());
                case FLOAT -> plain(floating(((Number) value).doubleValue()));
                case BOOLEAN -> plain((Boolean) value ? "t" : "f");
                case TEXT, JSON -> text((String) value);
                case BINARY -> bytes((byte[]) value);
                case UUID -> plain(value.toString());
                case TIME -> plain(((LocalTime) value).toString());
                case DATE -> {
                    LocalDate d = (LocalDate) value;
                    if (!plainYear(d.getYear())) {
                        return false;
                    }
                    plain(d.toString());
                }
                case TIMESTAMP -> {
                    LocalDateTime t = (LocalDateTime) value;
                    if (!plainYear(t.getYear())) {
                        return false;
                    }
                    separate();
                    timestamp(t);
                }
                case TIMESTAMPTZ -> {
                    LocalDateTime utc = ((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
                    if (!plainYear(utc.getYear())) {
                        return false;
                    }
                    separate();
                    timestamp(utc);
                    out.append("+00");
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        /** {@code yyyy-MM-dd HH:mm:ss.fffffffff}, the year in 1..9999. */
        private void timestamp(LocalDateTime t) {
            pad(t.getYear(), 4).append('-');
            pad(t.getMonthValue(), 2).append('-');
            pad(t.getDayOfMonth(), 2).append(' ');
            pad(t.getHour(), 2).append(':');
            pad(t.getMinute(), 2).append(':');
            pad(t.getSecond(), 2);
            if (t.getNano() != 0) {
                out.append('.');
                pad(t.getNano(), 9);
            }
        }

        private StringBuilder pad(int value, int digits) {
            for (int limit = 10, n = 1; n < digits; n++, limit *= 10) {
                if (value < limit) {
                    out.append('0');
                }
            }
            return out.append(value);
        }

        private static boolean plainYear(int year) {
            return year >= 1 && year <= 9999;
        }

        private static String floating(double d) {
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "Infinity" : "-Infinity";
            }
            return Double.toString(d);
        }

        private void plain(String s) {
            separate();
            out.append(s);
        }

        @Override
        public void text(String value) {
            separate();
            if (value == null) {
                out.append("\\N");
                return;
            }
            int plainUpTo = 0;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                String escaped = switch (c) {
                    case '\\' -> "\\\\";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> null;
                };
                if (escaped != null) {
                    out.append(value, plainUpTo, i).append(escaped);
                    plainUpTo = i + 1;
                }
            }
            out.append(value, plainUpTo, value.length());
        }

        private void bytes(byte[] value) {
            separate();
            out.append("\\\\x");
            for (byte b : value) {
                out.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }

        @Override
        public void number(long value) {
            separate();
            out.append(value);
        }

        @Override
        public void instant(OffsetDateTime value) {
            if (value == null) {
                text(null);
            } else if (!value(ValueKind.TIMESTAMPTZ, value)) {
                throw new IllegalArgumentException("change time out of range: " + value);
            }
        }

        @Override
        public void endRow() {
            out.append('\n');
            rowStarted = false;
            count++;
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public boolean isEmpty() {
            return count == 0;
        }
    }
}
