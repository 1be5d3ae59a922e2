package org.dovetail.sql.h2;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.h2.api.Trigger;
import org.h2.engine.SessionLocal;

/**
 * Keeps a replicated H2 table's {@code DV_} columns and its tombstones current, exactly as
 * docs/bookkeeping.md says, as one BEFORE row trigger for INSERT, UPDATE and DELETE:
 * <pre>CREATE TRIGGER "S"."DV_TRG_T" BEFORE INSERT, UPDATE, DELETE ON "S"."T"
 *     FOR EACH ROW CALL 'org.dovetail.sql.h2.ChangeTrigger'</pre>
 *
 * <p>A BEFORE trigger can change the row being written, so the bookkeeping lands in the same
 * row write; the tombstone table is written through the connection H2 passes, which runs in
 * the writer's own transaction.
 */
public final class ChangeTrigger implements Trigger {
    private TableLayout layout;
    private Tombstones tombstones;
    /** Read on first use, not in init: the site row may be written after the trigger is created. */
    private volatile String siteName;

    @Override
    public void init(Connection connection, String schemaName, String triggerName, String tableName,
                     boolean before, int type) throws SQLException {
        if (!before) {
            throw new SQLException("trigger " + triggerName + ": " + getClass().getName() + " must run BEFORE");
        }
        layout = TableLayout.read(connection, schemaName, tableName);
        tombstones = new Tombstones(layout);
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        SessionLocal session = SessionState.session(connection);
        SessionState state = SessionState.of(session);
        Write write = new Write(connection, session, state);
        if (state.applying()) {
            applying(write, oldRow, newRow);
        } else if (oldRow == null) {
            inserted(write, newRow);
        } else if (newRow == null) {
            buried(write, oldRow);
        } else {
            updated(write, oldRow, newRow);
        }
    }

    /** The connection, session and session state of one trigger call. */
    private record Write(Connection connection, SessionLocal session, SessionState state) {
        long nextSeq() throws SQLException {
            return InFlightTransactions.nextSeq(session, state);
        }
    }

    /** A sync writes a peer's row: keep what it brings, give it a local seq; it writes tombstones itself. */
    private void applying(Write write, Object[] oldRow, Object[] newRow) throws SQLException {
        if (newRow == null) {
            return;
        }
        Object[] key = layout.keyOf(newRow);
        if (oldRow == null || !sameValues(layout.keyOf(oldRow), key)) {
            tombstones.drop(write.connection(), key);
        }
        newRow[layout.seq()] = write.nextSeq();
    }

    private void inserted(Write write, Object[] row) throws SQLException {
        Tombstones.Dead dead = tombstones.take(write.connection(), layout.keyOf(row));
        if (dead == null) {
            stamp(write, row, 1, newOrigin());
        } else {
            stamp(write, row, dead.version() == null ? 1 : dead.version() + 1,
                    dead.origin() == null ? newOrigin() : dead.origin());
        }
    }

    private void updated(Write write, Object[] oldRow, Object[] newRow) throws SQLException {
        if (!userColumnChanged(oldRow, newRow)) {
            for (int position : new int[] {layout.version(), layout.origin(), layout.site(), layout.changedAt(),
                    layout.seq(), layout.from()}) {
                newRow[position] = oldRow[position];
            }
        } else if (!sameValues(layout.keyOf(oldRow), layout.keyOf(newRow))) {
            buried(write, oldRow);
            inserted(write, newRow);
            write.state().movedIn(layout.qualifiedName(), layout.keyOf(newRow));
        } else if (oldRow[layout.version()] == null) {
            inserted(write, newRow);
        } else {
            Object origin = oldRow[layout.origin()];
            stamp(write, newRow, (Long) oldRow[layout.version()] + 1, origin == null ? newOrigin() : (String) origin);
        }
    }

    /** The row's key dies: its tombstone carries the next version and the row's origin. */
    private void buried(Write write, Object[] oldRow) throws SQLException {
        Object version = oldRow[layout.version()];
        Object origin = oldRow[layout.origin()];
        tombstones.write(write.connection(), layout.keyOf(oldRow), version == null ? 1 : (Long) version + 1,
                origin == null ? newOrigin() : (String) origin, siteName(write.connection()), OffsetDateTime.now(),
                write.nextSeq());
    }

    /** A local change: whatever the statement put into DV_ columns is overwritten. */
    private void stamp(Write write, Object[] row, long version, String origin) throws SQLException {
        row[layout.version()] = version;
        row[layout.origin()] = origin;
        row[layout.site()] = siteName(write.connection());
        row[layout.changedAt()] = OffsetDateTime.now();
        row[layout.seq()] = write.nextSeq();
        row[layout.from()] = null;
    }

    private boolean userColumnChanged(Object[] oldRow, Object[] newRow) throws SQLException {
        for (int position : layout.user()) {
            if (!SameValue.test(oldRow[position], newRow[position])) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameValues(Object[] a, Object[] b) throws SQLException {
        for (int i = 0; i < a.length; i++) {
            if (!SameValue.test(a[i], b[i])) {
                return false;
            }
        }
        return true;
    }

    private static String newOrigin() {
        return UUID.randomUUID().toString();
    }

    private String siteName(Connection connection) throws SQLException {
        String name = siteName;
        if (name == null) {
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT SITE_NAME FROM DOVETAIL.SITE")) {
                if (!rs.next() || rs.getString(1) == null) {
                    throw new SQLException("Dovetail metadata is incomplete: DOVETAIL.SITE has no site name"
                            + " (run dovetail install)");
                }
                name = rs.getString(1);
            }
            siteName = name;
        }
        return name;
    }
}
