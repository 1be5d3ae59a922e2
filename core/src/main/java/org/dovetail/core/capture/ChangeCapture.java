package org.dovetail.core.capture;

import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.Condition;
import org.jooq.Field;

/**
 * How a database tells which changes are new since a {@link Watermark}, and how a reader
 * fixes the point it reads at, so that rows committed late by long transactions are never
 * skipped (sequence numbers are taken at write time but become visible at commit time).
 */
public interface ChangeCapture {

    /**
     * Called in autocommit mode just before the read transaction starts: the highest seq
     * below which every change is already committed or rolled back ({@code Long.MAX_VALUE}
     * when the snapshot itself answers that).
     */
    long settledSeqBeforeRead(Connection connection) throws SQLException;

    /**
     * Called as the first statement of the read transaction (repeatable read): the snapshot
     * to store with the new watermark, or null when the database has none.
     */
    String snapshotOfReadTransaction(Connection connection) throws SQLException;

    /** Rows changed since the watermark: {@code seq > w.seq} or written by a transaction in flight at w. */
    Condition changedSince(Watermark w, Field<Long> seq, Field<Long> txid);

    /** SQL expression for a new change number (for rows the sync writes without a trigger). */
    String nextSeqExpression();

    /** SQL expression for the writing transaction id, or null when the database does not record one. */
    String txidExpression();
}
