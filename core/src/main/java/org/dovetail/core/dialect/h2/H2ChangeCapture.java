package org.dovetail.core.dialect.h2;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.capture.Watermark;
import org.jooq.Condition;
import org.jooq.Field;

/**
 * H2 change capture: H2 has no transaction snapshots to hand out, so the reader asks the
 * triggers' in-flight registry ({@code DOVETAIL.SAFE_SEQ()}) for the highest seq below
 * which every change is settled, and never moves its watermark past it.
 */
final class H2ChangeCapture implements ChangeCapture {

    @Override
    public long settledSeqBeforeRead(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"DOVETAIL\".\"SAFE_SEQ\"()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public String snapshotOfReadTransaction(Connection connection) {
        return null;
    }

    @Override
    public Condition changedSince(Watermark w, Field<Long> seq, Field<Long> txid) {
        return seq.gt(w.seq());
    }

    @Override
    public String nextSeqExpression() {
        return "\"DOVETAIL\".\"NEXT_SEQ\"()";
    }

    @Override
    public String txidExpression() {
        return null;
    }
}
