package org.dovetail.sql.h2;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The highest {@code dv_seq} up to which every row change of this database has been
 * committed or rolled back: the sync reads changes only up to it, so that a row a long
 * transaction commits late is carried in a later run instead of skipped.
 *
 * <p>Installed as {@code CREATE ALIAS DOVETAIL.SAFE_SEQ FOR 'org.dovetail.sql.h2.Watermark.safeSeq'};
 * call it in autocommit mode (an open transaction of the caller that wrote rows holds it down).
 */
public final class Watermark {

    private Watermark() {
    }

    /** {@code SELECT DOVETAIL.SAFE_SEQ()}: see {@link InFlightTransactions#safeSeq}. */
    public static long safeSeq(Connection connection) throws SQLException {
        return InFlightTransactions.safeSeq(SessionState.session(connection));
    }

    /**
     * {@code DOVETAIL.NEXT_SEQ()}: a change number for a row the sync writes itself (a
     * tombstone, a conflict record), noted like the triggers' own so that {@link #safeSeq}
     * stays below it until its transaction ends.
     */
    public static long nextSeq(Connection connection) throws SQLException {
        var session = SessionState.session(connection);
        return InFlightTransactions.nextSeq(session, SessionState.of(session));
    }
}
