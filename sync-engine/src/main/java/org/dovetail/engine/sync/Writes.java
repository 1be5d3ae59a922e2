package org.dovetail.engine.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.row.Values;

/**
 * The writes of one batch at the target, grouped by statement and sent with JDBC
 * batching: deletes first, then tombstones, then inserts and updates. Writing is done in
 * applying mode, so the triggers keep the received bookkeeping and only number the change.
 */
final class Writes implements BatchWrites {
    private final SideTable table;
    private final String from;
    private final List<RowState> deletes = new ArrayList<>();
    private final List<RowState> tombInserts = new ArrayList<>();
    private final List<RowState> tombUpdates = new ArrayList<>();
    private final List<RowState> inserts = new ArrayList<>();
    /** Keys inserted again after a delete: their tombstones go. */
    private final List<RowState> tombDeletes = new ArrayList<>();
    private final List<RowState> updates = new ArrayList<>();

    /**
     * @param table the target's table
     * @param from  the source site's name, stored in dv_from of everything written
     */
    Writes(SideTable table, String from) {
        this.table = table;
        this.from = from;
    }

    @Override
    public void add(RowState change, RowState there) {
        if (!change.dead()) {
            (there == null || there.dead() ? inserts : updates).add(change);
            if (there != null && there.dead()) {
                tombDeletes.add(change);
            }
        } else if (there != null && !there.dead()) {
            deletes.add(change);
            tombInserts.add(change);
        } else if (there != null) {
            tombUpdates.add(change);
        } else {
            // the key was never here: keep its tombstone, so a concurrent insert elsewhere still meets the
            // delete (a conflict) and a later re-insert continues the key's history
            tombInserts.add(change);
        }
    }

    @Override
    public void execute(Connection c) throws SQLException {
        run(c, table.deleteRow(), deletes, (ps, r) -> keys(ps, 1, r));
        run(c, table.deleteTomb(), tombDeletes, (ps, r) -> keys(ps, 1, r));
        run(c, table.insertTomb(), tombInserts, (ps, r) -> bookkeeping(ps, keys(ps, 1, r), r));
        run(c, table.updateTomb(), tombUpdates, (ps, r) -> keys(ps, bookkeeping(ps, 1, r), r));
        run(c, table.insertRow(), inserts, (ps, r) -> bookkeeping(ps, values(ps, 1, r, true), r));
        run(c, table.updateRow(), updates, this::bindUpdate);
    }

    private int bindUpdate(PreparedStatement ps, RowState r) throws SQLException {
        int p = 1;
        ps.setLong(p++, r.version());
        p = values(ps, p, r, false);
        ps.setString(p++, r.origin());
        ps.setString(p++, r.site());
        ps.setObject(p++, r.changedAt(), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setString(p++, from);
        return keys(ps, p, r);
    }

    private interface Binder {
        int bind(PreparedStatement ps, RowState row) throws SQLException;
    }

    private static void run(Connection c, String sql, List<RowState> rows, Binder binder) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (RowState row : rows) {
                binder.bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private int keys(PreparedStatement ps, int p, RowState r) throws SQLException {
        for (int i = 0; i < table.pair().keyCount(); i++) {
            Values.bind(ps, p++, table.pair().columns().get(i).kind(), r.values()[i]);
        }
        return p;
    }

    private int values(PreparedStatement ps, int p, RowState r, boolean withKeys) throws SQLException {
        List<ColumnPair> columns = table.pair().columns();
        for (int i = 0; i < columns.size(); i++) {
            if (withKeys || !columns.get(i).key()) {
                Values.bind(ps, p++, columns.get(i).kind(), r.values()[i]);
            }
        }
        return p;
    }

    private int bookkeeping(PreparedStatement ps, int p, RowState r) throws SQLException {
        ps.setLong(p++, r.version());
        ps.setString(p++, r.origin());
        ps.setString(p++, r.site());
        ps.setObject(p++, r.changedAt(), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setString(p++, from);
        return p;
    }
}
