package org.dovetail.core.dialect.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.capture.Watermark;
import org.jooq.Condition;
import org.jooq.Field;

/**
 * PostgreSQL change capture through txid snapshots: the reader keeps the snapshot of its
 * repeatable-read transaction with the watermark, and the next read also takes rows whose
 * {@code dv_txid} was still in progress then (they may carry a seq below the mark).
 */
final class PostgresChangeCapture implements ChangeCapture {

    @Override
    public long settledSeqBeforeRead(Connection connection) {
        return Long.MAX_VALUE;
    }

    @Override
    public String snapshotOfReadTransaction(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT txid_current_snapshot()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public Condition changedSince(Watermark w, Field<Long> seq, Field<Long> txid) {
        long[] inFlight = w.inFlight();
        Condition changed = seq.gt(w.seq());
        if (w.notYetCompleted().isPresent()) {
            // a transaction numbered at or above xmax may have been running, unlisted, when the mark was read
            changed = changed.or(txid.ge(w.notYetCompleted().getAsLong()));
        }
        if (inFlight.length > 0) {
            changed = changed.or(txid.in(Arrays.stream(inFlight).boxed().toList()));
        }
        return changed;
    }

    @Override
    public String nextSeqExpression() {
        return "nextval('\"dovetail\".\"change_seq\"')";
    }

    @Override
    public String txidExpression() {
        return "txid_current()";
    }
}
