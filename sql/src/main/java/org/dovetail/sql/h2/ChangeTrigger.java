package org.dovetail.sql.h2;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.regex.Pattern;
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
    /**
     * ALTER TABLE ADD/DROP COLUMN copies the table to a temporary one named so, creates the
     * triggers on the copy (init gets the copy's name) and then renames the copy.
     */
    private static final Pattern ALTER_COPY = Pattern.compile("_COPY_\\d+_\\d+$");

    private String schema;
    private String table;
    /** Read on first use and again whenever the table's width changes (a column added or dropped). */
    private volatile Bound bound;
    /** Read on first use, not in init: the site row may be written after the trigger is created. */
    private volatile String siteName;
    /** The layout of the table's rows and its tombstone table, for rows of one width. */
    private record Bound(TableLayout layout, Tombstones tombstones) {
    }

    @Override
    public void init(Connection connection, String schemaName, String triggerName, String tableName,
                     boolean before, int type) throws SQLException {
        if (!before) {
            throw new SQLException("trigger " + triggerName + ": " + getClass().getName() + " must run BEFORE");
        }
        schema = schemaName;
        table = tableName;
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        Bound b = bind(connection, (newRow == null ? oldRow : newRow).length);
        SessionLocal session = SessionState.session(connection);
        SessionState state = SessionState.of(session);
        Write write = new Write(connection, session, state, b.layout(), b.tombstones());
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

    /**
     * The layout for rows of this width, read on the first call: a column added or dropped after
     * install is compared like the others without a re-install. (H2 2.x loads a new instance of
     * the trigger on every ALTER TABLE that changes columns; the width check is for any path
     * that would keep this one.)
     */
    private Bound bind(Connection connection, int width) throws SQLException {
        Bound b = bound;
        if (b != null && b.layout().width() == width) {
            return b;
        }
        synchronized (this) {
            b = bound;
            if (b == null || b.layout().width() != width) {
                if (!TableLayout.exists(connection, schema, table)) {
                    table = ALTER_COPY.matcher(table).replaceFirst("");
                }
                TableLayout read = TableLayout.read(connection, schema, table);
                b = new Bound(read, new Tombstones(read));
                bound = b;
            }
            return b;
        }
    }

    /** The connection, session and session state of one trigger call, and the table's layout it runs under. */
    private record Write(Connection connection, SessionLocal session, SessionState state, TableLayout layout,
                         Tombstones tombstones) {
        long nextSeq() throws SQLException {
            return InFlightTransactions.nextSeq(session, state);
        }
    }

    /** A sync writes a peer's row: keep what it brings, give it a local seq; it writes tombstones itself. */
    private void applying(Write write, Object[] oldRow, Object[] newRow) throws SQLException {
        TableLayout layout = write.layout();
        if (newRow == null) {
            return;
        }
        Object[] key = layout.keyOf(newRow);
        boolean inserted = oldRow == null || !sameValues(layout.keyOf(oldRow), key);
        if (inserted) {
            write.tombstones().drop(write.connection(), key);
        }
        newRow[layout.seq()] = write.nextSeq();
        if (layout.tracksColumns()) {
            newRow[layout.cols()] = inserted ? null : ColumnChanges.after(layout, oldRow, newRow);
        }
    }

    private void inserted(Write write, Object[] row) throws SQLException {
        TableLayout layout = write.layout();
        Object[] key = layout.keyOf(row);
        // A transaction deleting the key may not have committed its tombstone yet: wait for it
        // here, not later on the primary key, so that the key is never both alive and dead.
        write.tombstones().awaitDeleter(write.connection(), key);
        Tombstones.Dead dead = write.tombstones().take(write.connection(), key);
        if (dead == null) {
            stamp(write, row, 1, newOrigin());
        } else {
            stamp(write, row, dead.version() == null ? 1 : dead.version() + 1,
                    dead.origin() == null ? newOrigin() : dead.origin());
        }
    }

    private void updated(Write write, Object[] oldRow, Object[] newRow) throws SQLException {
        TableLayout layout = write.layout();
        if (!userColumnChanged(layout, oldRow, newRow)) {
            for (int position : new int[] {layout.version(), layout.origin(), layout.site(), layout.changedAt(),
                    layout.seq(), layout.from()}) {
                newRow[position] = oldRow[position];
            }
            if (layout.tracksColumns()) {
                newRow[layout.cols()] = oldRow[layout.cols()];
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
            if (layout.tracksColumns()) {
                newRow[layout.cols()] = ColumnChanges.after(layout, oldRow, newRow);
            }
        }
    }

    /** The row's key dies: its tombstone carries the next version and the row's origin. */
    private void buried(Write write, Object[] oldRow) throws SQLException {
        TableLayout layout = write.layout();
        Object version = oldRow[layout.version()];
        Object origin = oldRow[layout.origin()];
        write.tombstones().write(write.connection(), layout.keyOf(oldRow), version == null ? 1 : (Long) version + 1,
                origin == null ? newOrigin() : (String) origin, siteName(write.connection()), OffsetDateTime.now(),
                write.nextSeq());
    }

    /** A local change: whatever the statement put into DV_ columns is overwritten. */
    private void stamp(Write write, Object[] row, long version, String origin) throws SQLException {
        TableLayout layout = write.layout();
        row[layout.version()] = version;
        row[layout.origin()] = origin;
        row[layout.site()] = siteName(write.connection());
        row[layout.changedAt()] = OffsetDateTime.now();
        row[layout.seq()] = write.nextSeq();
        row[layout.from()] = null;
        if (layout.tracksColumns()) {
            row[layout.cols()] = null; // an insert; an update sets its entries after this
        }
    }

    private static boolean userColumnChanged(TableLayout layout, Object[] oldRow, Object[] newRow) throws SQLException {
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
