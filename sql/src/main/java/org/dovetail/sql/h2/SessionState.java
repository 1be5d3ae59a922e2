package org.dovetail.sql.h2;

import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.tx.Transaction;

/**
 * What Dovetail remembers about one H2 session: whether it is applying a peer's rows, which
 * of its transactions is already noted as in flight, and which keys its UPDATEs moved rows to.
 *
 * <p>Keyed by the engine's session object, not by {@link Connection}: H2 hands a trigger
 * or function a new connection object on every call, all of them on the same session.
 * The map holds sessions weakly, so a closed session's state goes with it.
 */
final class SessionState {
    private static final Map<SessionLocal, SessionState> BY_SESSION = new WeakHashMap<>();

    private volatile boolean applying;
    /** Per table ({@code schema.table}): new keys that rows moved to by UPDATEs of the current statement. */
    private final Map<String, List<Object[]>> movedIn = new HashMap<>();
    /** Weak, so that this state does not keep a finished transaction (and its session) alive. */
    private WeakReference<Transaction> noted = new WeakReference<>(null);

    private SessionState() {
    }

    static SessionState of(SessionLocal session) {
        synchronized (BY_SESSION) {
            return BY_SESSION.computeIfAbsent(session, s -> new SessionState());
        }
    }

    /** The engine session behind a connection that H2 gave to a trigger or function. */
    static SessionLocal session(Connection connection) throws SQLException {
        Session session = connection instanceof JdbcConnection jdbc ? jdbc.getSession() : null;
        if (session instanceof SessionLocal local) {
            return local;
        }
        throw new SQLException("Dovetail's H2 functions run inside the database only "
                + "(call them through SQL, e.g. CALL DOVETAIL.SET_APPLYING(TRUE)), not on " + connection);
    }

    boolean applying() {
        return applying;
    }

    void setApplying(boolean on) {
        applying = on;
    }

    /** Only the session's own thread calls this and {@link #note}, so no lock is needed. */
    boolean isNoted(Transaction transaction) {
        return noted.get() == transaction;
    }

    void note(Transaction transaction) {
        noted = new WeakReference<>(transaction);
    }

    /** Notes that a row of the table moved to a new key (the session's own thread only, like {@link #note}). */
    void movedIn(String table, Object[] key) {
        movedIn.computeIfAbsent(table, t -> new ArrayList<>()).add(key);
    }

    /** The keys noted for the table since the last call, forgotten as they are returned. */
    List<Object[]> takeMovedIn(String table) {
        List<Object[]> keys = movedIn.remove(table);
        return keys == null ? List.of() : keys;
    }
}
