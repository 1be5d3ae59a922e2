package org.dovetail.core.dialect.sqlite;

import java.sql.Connection;
import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.capture.Watermark;
import org.jooq.Condition;
import org.jooq.Field;

/**
 * SQLite change capture: the change counter is a row the triggers add one to inside the writing
 * transaction, and SQLite lets one transaction write at a time, so a number is given only after
 * every transaction holding a lower one has committed or rolled back. A reader's snapshot thus
 * holds every change numbered up to the highest it sees: the watermark is exact with no snapshot
 * to keep (docs/bookkeeping.md, "SQLite").
 */
final class SqliteChangeCapture implements ChangeCapture {

    @Override
    public long settledSeqBeforeRead(Connection connection) {
        return Long.MAX_VALUE;
    }

    @Override
    public String snapshotOfReadTransaction(Connection connection) {
        return null;
    }

    @Override
    public Condition changedSince(Watermark w, Field<Long> seq, Field<Long> txid) {
        return seq.gt(w.seq());
    }

    /**
     * NULL: the rows the sync writes without a row trigger (tombstones, conflict records) are
     * numbered by the triggers of their own tables, which give every row written a new number.
     */
    @Override
    public String nextSeqExpression() {
        return "NULL";
    }

    @Override
    public String txidExpression() {
        return null;
    }
}
