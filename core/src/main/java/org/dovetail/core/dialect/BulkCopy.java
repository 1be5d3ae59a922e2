package org.dovetail.core.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.dovetail.core.row.ValueKind;

/**
 * A database's bulk load path (PostgreSQL's {@code COPY ... FROM STDIN}): rows are encoded
 * into a buffer and sent in one stream, instead of one bound statement per row.
 */
public interface BulkCopy {

    /**
     * Whether the connection's role may take this path: it needs a temporary staging table,
     * which a hardened database may not allow (writes then go by bound statements).
     */
    boolean usable(Connection connection) throws SQLException;

    /**
     * The qualified name of the session's own staging table that batches are copied into
     * (created as a temporary table: it must name the database's session-local schema, so that
     * it can never resolve to an application table).
     */
    org.jooq.Name stagingTable();

    /** Whether the value has an exact form in the copy format (else the batch is written another way). */
    boolean copyable(ValueKind kind, Object value);

    /**
     * Loads rows into {@code table}'s {@code columns} (both already quoted, as rendered SQL):
     * {@code source} encodes them while they stream to the database, so the database works
     * on the first rows while later ones are encoded. Returns how many rows it loaded.
     */
    long copyIn(Connection connection, String table, List<String> columns, RowSource source) throws SQLException;

    /**
     * Whether rows this database copies out (see {@link #copyOut}) load unchanged into a
     * database of {@code other}'s kind, so that a copy between the two needs no decoding.
     */
    default boolean passesTo(BulkCopy other) {
        return false;
    }

    /**
     * Streams the rows of a query in the copy format to {@code sink}, one line per row with its
     * newline, as the database sends them. Returns how many rows it read.
     */
    default long copyOut(Connection connection, String query, LineSink sink) throws SQLException {
        throw new UnsupportedOperationException("no copy out");
    }

    /** Loads lines already in the copy format (each ending with its newline) into {@code table}'s {@code columns}. */
    default long copyInLines(Connection connection, String table, List<String> columns, LineSource source)
            throws SQLException {
        throw new UnsupportedOperationException("no copy of lines");
    }

    /**
     * Text fields in the copy format (null: NULL), each followed by the field separator, the last
     * one by the row's end when {@code endsRow}: for bytes written among a copy out's fields.
     */
    default byte[] fields(boolean endsRow, String... values) {
        throw new UnsupportedOperationException("no copy format");
    }

    /** Takes the lines of a copy out. */
    interface LineSink {
        void line(byte[] line) throws SQLException, InterruptedException;
    }

    /** Writes the lines of one load. */
    interface LineSource {
        void writeTo(Lines lines) throws SQLException;
    }

    /** Bytes of a load in the copy format. */
    interface Lines {
        void write(byte[] bytes, int from, int length) throws SQLException;
    }

    /** Writes the rows of one load. */
    interface RowSource {
        void writeTo(Rows rows) throws SQLException;
    }

    /** Rows being encoded in the database's copy format. */
    interface Rows {
        /** Appends one field; its value must be {@link BulkCopy#copyable}. */
        void value(ValueKind kind, Object value);

        void text(String value);

        void number(long value);


        /** Ends the current row. */
        void endRow() throws SQLException;
    }
}
