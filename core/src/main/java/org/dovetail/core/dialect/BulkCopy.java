package org.dovetail.core.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.dovetail.core.row.ValueKind;

/**
 * A database's bulk load path (PostgreSQL's {@code COPY ... FROM STDIN}): rows are encoded
 * into a buffer and sent in one stream, instead of one bound statement per row.
 */
public interface BulkCopy {

    /** A new, empty buffer of rows. */
    Rows rows();

    /**
     * Loads the buffer's rows into {@code table}'s {@code columns} (both already quoted, as
     * rendered SQL) and returns how many rows the database loaded.
     */
    long copyIn(Connection connection, String table, List<String> columns, Rows rows) throws SQLException;

    /** Rows being encoded in the database's copy format. */
    interface Rows {
        /**
         * Appends one field; false when this value has no exact copy form (a date the text
         * format cannot spell, say): the caller then writes the batch another way.
         */
        boolean value(ValueKind kind, Object value);

        void text(String value);

        void number(long value);

        void instant(OffsetDateTime value);

        /** Ends the current row. */
        void endRow();

        int count();

        boolean isEmpty();
    }
}
