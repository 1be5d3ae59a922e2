package org.dovetail.sql.h2;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.engine.User;
import org.h2.schema.Schema;

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

    /**
     * {@code CALL DOVETAIL.SET_APPLYING(TRUE)} turns applying mode on for this session, FALSE off.
     * H2 has no EXECUTE right on functions, so any user may call it: only an admin or the
     * owner of schema DOVETAIL (the user that installed Dovetail) may turn it on.
     */
    public static void set(Connection connection, boolean on) throws SQLException {
        SessionLocal session = SessionState.session(connection);
        if (on && !mayApply(session)) {
            throw new SQLException("applying mode is reserved to the user that installed Dovetail (or an admin);"
                    + " user " + session.getUser().getName() + " may not turn it on", "42501");
        }
        SessionState.of(session).setApplying(on);
    }

    private static boolean mayApply(SessionLocal session) {
        User user = session.getUser();
        Schema dovetail = session.getDatabase().findSchema("DOVETAIL");
        return user.isAdmin() || dovetail != null && dovetail.getOwner() == user;
    }
}
