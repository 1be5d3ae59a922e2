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
    private final WriteSql sql;
    private final String from;
    private final java.util.Map<WriteOp, List<RowState>> rows = new java.util.EnumMap<>(WriteOp.class);

    /**
     * @param table the target's table
     * @param from  the source site's name, stored in dv_from of everything written
     */
    Writes(SideTable table, String from) {
        this.table = table;
        this.sql = new WriteSql(table);
        this.from = from;
    }

    @Override
    public void add(RowState change, RowState there) {
        rows.computeIfAbsent(WriteOp.of(change, there), op -> new ArrayList<>()).add(change);
    }

    /** Whether no write was added. */
    boolean isEmpty() {
        return rows.isEmpty();
    }

    private List<RowState> of(WriteOp... ops) {
        List<RowState> out = new ArrayList<>();
        for (WriteOp op : ops) {
            out.addAll(rows.getOrDefault(op, List.of()));
        }
        return out;
    }

    @Override
    public void execute(Connection c) throws SQLException {
        run(c, sql.deleteRow(), of(WriteOp.DELETE), (ps, r) -> keys(ps, 1, r));
        run(c, sql.deleteTomb(), of(WriteOp.REINSERT), (ps, r) -> keys(ps, 1, r));
        run(c, sql.insertTomb(), of(WriteOp.DELETE, WriteOp.TOMB), (ps, r) -> bookkeeping(ps, keys(ps, 1, r), r));
        run(c, sql.updateTomb(), of(WriteOp.RETOMB), (ps, r) -> keys(ps, bookkeeping(ps, 1, r), r));
        run(c, sql.insertRow(), of(WriteOp.INSERT, WriteOp.REINSERT),
                (ps, r) -> bookkeeping(ps, values(ps, 1, r, true), r));
        run(c, sql.updateRow(), of(WriteOp.UPDATE), this::bindUpdate);
        ownChanges(c, table, rows.getOrDefault(WriteOp.UPDATE, List.of()));
    }

    /** Merges written as received become changes of the target's own (see {@link WriteSql#ownChange}). */
    static void ownChanges(Connection c, SideTable table, List<RowState> written) throws SQLException {
        List<RowState> own = written.stream().filter(RowState::own).toList();
        if (!own.isEmpty()) {
            run(c, new WriteSql(table).ownChange(), own, (ps, r) -> keys(ps, 1, r, table));
        }
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
        return keys(ps, p, r, table);
    }

    private static int keys(PreparedStatement ps, int p, RowState r, SideTable table) throws SQLException {
        for (int i = 0; i < table.pair().keyCount(); i++) {
            Values.bind(ps, p++, table.pair().columns().get(i).kind(), r.values()[i]);
        }
        return p;
    }

    private int values(PreparedStatement ps, int p, RowState r, boolean withKeys) throws SQLException {
        List<ColumnPair> columns = table.pair().columns();
        for (int i = 0; i < columns.size(); i++) {
            if ((withKeys || !columns.get(i).key()) && columns.get(i).written(table.sideA())) {
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
