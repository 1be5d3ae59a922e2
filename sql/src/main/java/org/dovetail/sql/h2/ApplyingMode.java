package org.dovetail.sql.h2;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The H2 side of "applying mode" (docs/bookkeeping.md): while it is on, {@link ChangeTrigger}
 * keeps the version, origin, site and change time of the rows a sync writes.
 *
 * <p>Installed as {@code CREATE ALIAS DOVETAIL.SET_APPLYING FOR 'org.dovetail.sql.h2.ApplyingMode.set'}.
 * The flag belongs to the calling session, is off in every new session, and stays as set
 * until set again (unlike PostgreSQL's {@code SET LOCAL}, commit does not reset it).
 */
public final class ApplyingMode {

    private ApplyingMode() {
    }

    /** {@code CALL DOVETAIL.SET_APPLYING(TRUE)} turns applying mode on for this session, FALSE off. */
    public static void set(Connection connection, boolean on) throws SQLException {
        SessionState.of(SessionState.session(connection)).setApplying(on);
    }
}
