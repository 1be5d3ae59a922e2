package org.dovetail.core.dialect.postgres;

import org.dovetail.core.dialect.BulkCopy;

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
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL's {@code COPY ... FROM STDIN} in text format: fields separated by tabs, rows
 * by newlines, NULL as {@code \N}, backslash escapes for the separators. Values are written
 * in PostgreSQL's own input syntax; a value that syntax cannot spell exactly (a year before 1
 * or after 9999) makes the caller fall back to bound statements.
 */
final class PostgresCopy implements BulkCopy {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code pg_temp} is always the session's own temporary schema. */
    @Override
    public org.jooq.Name stagingTable() {
        return org.jooq.impl.DSL.name("pg_temp", "dv_stage");
    }

    @Override
    public boolean usable(Connection connection) throws SQLException {
        try (java.sql.Statement s = connection.createStatement();
             java.sql.ResultSet rs = s.executeQuery(
                     "SELECT has_database_privilege(current_database(), 'TEMPORARY')")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    @Override
    public boolean copyable(ValueKind kind, Object value) {
        if (value == null) {
            return true;
        }
        return switch (kind) {
            case DATE -> plainYear(((LocalDate) value).getYear());
            case TIMESTAMP -> plainYear(((LocalDateTime) value).getYear());
            case TIMESTAMPTZ -> plainYear(((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).getYear());
            default -> true;
        };
    }

    private static boolean plainYear(int year) {
        return year >= 1 && year <= 9999;
    }

    @Override
    public long copyIn(Connection connection, String table, List<String> columns, RowSource source)
            throws SQLException {
        return load(connection, table, columns, copy -> {
            TextRows rows = new TextRows(copy);
            source.writeTo(rows);
            rows.flush();
        });
    }

    /** Another PostgreSQL reads this one's COPY text as it is (the session settings that shape it are the driver's). */
    @Override
    public boolean passesTo(BulkCopy other) {
        return other instanceof PostgresCopy;
    }

    @Override
    public long copyOut(Connection connection, String query, LineSink sink) throws SQLException {
        org.postgresql.copy.CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyOut("COPY (" + query + ") TO STDOUT");
        try {
            for (byte[] line = copy.readFromCopy(); line != null; line = copy.readFromCopy()) {
                sink.line(line);
            }
            return copy.getHandledRowCount();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while copying out", "57014", e);
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    @Override
    public long copyInLines(Connection connection, String table, List<String> columns, LineSource source)
            throws SQLException {
        return load(connection, table, columns, copy -> {
            Pieces pieces = new Pieces(copy);
            source.writeTo(pieces);
            pieces.flush();
        });
    }

    @Override
    public byte[] fields(boolean endsRow, String... values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            TextRows.escape(out, values[i]);
            out.append(endsRow && i == values.length - 1 ? '\n' : '\t');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What one load sends between its {@code COPY ... FROM STDIN} and its end. */
    private interface CopyBody {
        void send(CopyIn copy) throws SQLException;
    }

    /** Runs one {@code COPY ... FROM STDIN} into the columns; returns how many rows it loaded. */
    private static long load(Connection connection, String table, List<String> columns, CopyBody body)
            throws SQLException {
        String sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN";
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            body.send(copy);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** Bytes already in COPY text format, sent on in pieces of 64 kB. */
    private static final class Pieces implements Lines {
        private final CopyIn copy;
        private final byte[] piece = new byte[1 << 16];
        private int used;

        Pieces(CopyIn copy) {
            this.copy = copy;
        }

        @Override
        public void write(byte[] bytes, int from, int length) throws SQLException {
            if (used + length > piece.length) {
                flush();
            }
            if (length > piece.length) {
                copy.writeToCopy(bytes, from, length);
            } else {
                System.arraycopy(bytes, from, piece, used, length);
                used += length;
            }
        }

        void flush() throws SQLException {
            if (used > 0) {
                copy.writeToCopy(piece, 0, used);
                used = 0;
            }
        }
    }

    /** Rows in COPY text format, sent on in pieces of about 64 kB. */
    static final class TextRows implements Rows {
        private static final int PIECE = 1 << 16;
        private final CopyIn copy;
        private final StringBuilder out = new StringBuilder(PIECE + 1024);
        private boolean rowStarted;

        TextRows(CopyIn copy) {
            this.copy = copy;
        }

        void flush() throws SQLException {
            if (out.length() > 0) {
                byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                out.setLength(0);
            }
        }

        private void separate() {
            if (rowStarted) {
                out.append('\t');
            }
            rowStarted = true;
        }

        @Override
        public void value(ValueKind kind, Object value) {
            if (value == null) {
                separate();
                out.append("\\N");
                return;
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
                case DATE -> plain(((LocalDate) value).toString());
                case TIMESTAMP -> {
                    separate();
                    timestamp((LocalDateTime) value);
                }
                case TIMESTAMPTZ -> {
                    separate();
                    timestamp(((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
                    out.append("+00");
                }
                default -> throw new IllegalArgumentException("no copy form for " + kind);
            }
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
            escape(out, value);
        }

        /** A text field: NULL as {@code \N}, the separators and the backslash escaped. */
        static void escape(StringBuilder out, String value) {
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
        public void endRow() throws SQLException {
            out.append('\n');
            rowStarted = false;
            if (out.length() >= PIECE) {
                flush();
            }
        }
    }
}
