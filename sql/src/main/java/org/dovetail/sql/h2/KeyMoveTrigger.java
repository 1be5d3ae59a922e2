package org.dovetail.sql.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.h2.api.Trigger;
import org.h2.engine.SessionLocal;

/**
 * Keeps a key from being alive and dead at once after an UPDATE that shifts primary keys
 * among rows ({@code UPDATE t SET id = id + 1}), installed beside {@link ChangeTrigger} as
 * <pre>CREATE TRIGGER "S"."DV_TRG_T_KEYS" AFTER UPDATE ON "S"."T"
 *     FOR EACH STATEMENT CALL 'org.dovetail.sql.h2.KeyMoveTrigger'</pre>
 *
 * <p>Why: H2 fires all BEFORE row triggers of an UPDATE before it writes any row. When the
 * row moving into key 2 is handled before the row leaving key 2, the first finds no
 * tombstone to continue, and the second then buries key 2, which ends up alive (the moved
 * row) and dead (its tombstone). After the statement, this trigger removes the tombstones of
 * keys that rows moved to and that are alive; the moved row keeps the fresh history it got.
 */
public final class KeyMoveTrigger implements Trigger {
    private String table;
    private String sweep;

    @Override
    public void init(Connection connection, String schemaName, String triggerName, String tableName,
                     boolean before, int type) throws SQLException {
        if (before || type != UPDATE) {
            throw new SQLException("trigger " + triggerName + ": " + getClass().getName() + " must run AFTER UPDATE");
        }
        TableLayout layout = TableLayout.read(connection, schemaName, tableName);
        table = layout.qualifiedName();
        String keyMatch = layout.keyNames().stream().map(Tombstones::quote).map(k -> "T." + k + " = D." + k)
                .reduce((a, b) -> a + " AND " + b).orElseThrow();
        String tombMatch = layout.keyNames().stream().map(Tombstones::quote).map(k -> "D." + k + " = ?")
                .reduce((a, b) -> a + " AND " + b).orElseThrow();
        sweep = "DELETE FROM " + Tombstones.quote(schemaName) + "." + Tombstones.quote("DV_TOMB_" + tableName)
                + " D WHERE " + tombMatch + " AND EXISTS (SELECT 1 FROM " + Tombstones.quote(schemaName) + "."
                + Tombstones.quote(tableName) + " T WHERE " + keyMatch + ")";
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        // keys noted by a statement that failed are swept here too: harmless, as the sweep only
        // removes tombstones of keys that are alive, which is never right
        SessionLocal session = SessionState.session(connection);
        List<Object[]> keys = SessionState.of(session).takeMovedIn(table);
        if (keys.isEmpty()) {
            return;
        }
        // H2 turns autocommit off around row triggers but not around statement triggers, and
        // a commit inside a trigger is refused: do as it does for row triggers
        boolean autoCommit = session.getAutoCommit();
        session.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement(sweep)) {
            for (Object[] key : keys) {
                for (int i = 0; i < key.length; i++) {
                    ps.setObject(i + 1, key[i]);
                }
                ps.executeUpdate();
            }
        } finally {
            session.setAutoCommit(autoCommit);
        }
    }
}
