package org.dovetail.engine.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.dovetail.core.dialect.BulkCopy;

/**
 * The writes of one batch through the database's bulk load: rows new to the target are
 * copied straight into its table; every other change is copied into a staging table and
 * applied by one set-based statement per kind of change. Each statement must touch exactly
 * the rows the batch expects, else the batch fails as a serialization failure and is tried
 * again with every key looked up and locked. A batch with a value the copy format cannot
 * spell is written with bound statements instead ({@link Writes}).
 */
final class CopyWrites implements BatchWrites {
    private final SideTable table;
    private final StageSql stage;
    private final BulkCopy copy;
    private final String from;
    private final List<RowState> changes = new ArrayList<>();
    /** The target's state of each change's key when the batch read it (null: none). */
    private final List<RowState> theres = new ArrayList<>();
    private final List<WriteOp> ops = new ArrayList<>();
    private final Map<WriteOp, Integer> counts = new EnumMap<>(WriteOp.class);

    CopyWrites(SideTable table, StageSql stage, BulkCopy copy, String from) {
        this.table = table;
        this.stage = stage;
        this.copy = copy;
        this.from = from;
    }

    @Override
    public void add(RowState change, RowState there) {
        WriteOp op = WriteOp.of(change, there);
        changes.add(change);
        theres.add(there);
        ops.add(op);
        counts.merge(op, 1, Integer::sum);
    }

    @Override
    public void execute(Connection c) throws SQLException {
        if (!copyable(changes)) {
            Writes statements = new Writes(table, from);
            for (int i = 0; i < changes.size(); i++) {
                statements.add(changes.get(i), theres.get(i));
            }
            statements.execute(c);
            return;
        }
        List<RowState> inserts = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            if (ops.get(i) == WriteOp.INSERT) {
                inserts.add(changes.get(i));
            }
        }
        // new rows' keys are checked against tombstones as one array where the key allows, else staged
        boolean keysAsArray = table.keysAsArray();
        int stagedRows = changes.size() - (keysAsArray ? inserts.size() : 0);
        if (stagedRows > 0) {
            try (Statement s = c.createStatement()) {
                s.execute(stage.create());
            }
            copy.copyIn(c, stage.stageName(), stage.stageColumns(), rows -> {
                for (int i = 0; i < changes.size(); i++) {
                    if (!keysAsArray || ops.get(i) != WriteOp.INSERT) {
                        rows.text(ops.get(i).code());
                        if (theres.get(i) == null) {
                            rows.text(null);
                        } else {
                            rows.number(theres.get(i).seq());
                        }
                        encode(rows, changes.get(i), ops.get(i) == WriteOp.INSERT);
                    }
                }
            });
            expect(c, stage.deleteRows(), count(WriteOp.DELETE), "deleted rows");
            expect(c, stage.insertTombs(), count(WriteOp.DELETE) + count(WriteOp.TOMB), "new tombstones");
            expect(c, stage.updateTombs(), count(WriteOp.RETOMB), "updated tombstones");
            expect(c, stage.deleteTombs(), count(WriteOp.REINSERT), "tombstones of re-inserted rows");
            expect(c, stage.reinsertRows(), count(WriteOp.REINSERT), "re-inserted rows");
            expect(c, stage.updateRows(), count(WriteOp.UPDATE), "updated rows");
            Writes.ownChanges(c, table, changes);
        }
        if (!inserts.isEmpty()) {
            long loaded = copy.copyIn(c, stage.tableName(), stage.renderedRowColumns(), rows -> {
                for (RowState row : inserts) {
                    encode(rows, row, false);
                }
            });
            check(loaded, inserts.size(), "new rows of table " + table.pair().name());
            String sql = keysAsArray ? table.tombsAmong() : stage.tombsOfInserted();
            try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
                if (keysAsArray) {
                    table.bindKeys(ps, inserts.stream().map(r -> r.key(table.pair().keyCount())).toList(), c);
                }
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    check(rs.getLong(1), 0, "tombstones of new rows");
                }
            }
        }
    }

    private boolean copyable(List<RowState> rows) {
        List<ColumnPair> columns = table.pair().columns();
        for (RowState row : rows) {
            for (int i = 0; i < columns.size(); i++) {
                if (!copy.copyable(columns.get(i).kind(), row.values()[i])) {
                    return false;
                }
            }
            if (!copy.copyable(org.dovetail.core.row.ValueKind.TIMESTAMPTZ, row.changedAt())) {
                return false;
            }
        }
        return true;
    }

    private int count(WriteOp op) {
        return counts.getOrDefault(op, 0);
    }

    /** Runs a set-based statement when the batch has rows for it and checks it touched exactly those. */
    private void expect(Connection c, String sql, int expected, String what) throws SQLException {
        if (expected == 0) {
            return;
        }
        try (Statement s = c.createStatement()) {
            check(s.executeUpdate(sql), expected, what + " of table " + table.pair().name());
        }
    }

    static void check(long touched, long expected, String what) throws SQLException {
        if (touched != expected) {
            throw new SQLException("the target changed under the batch: " + touched + " rows instead of "
                    + expected + " (" + what + ")", "40001");
        }
    }

    /** A row (a dead one, or with {@code keyOnly}: only its key; never generated columns) and its bookkeeping. */
    private void encode(BulkCopy.Rows rows, RowState row, boolean keyOnly) throws SQLException {
        List<ColumnPair> columns = table.pair().columns();
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.get(i).written(table.sideA())) {
                continue;
            }
            Object value = (row.dead() || keyOnly) && !columns.get(i).key() ? null : row.values()[i];
            rows.value(columns.get(i).kind(), value);
        }
        rows.number(row.version());
        rows.text(row.origin());
        rows.text(row.site());
        rows.value(org.dovetail.core.row.ValueKind.TIMESTAMPTZ, row.changedAt());
        rows.text(from);
        rows.endRow();
    }
}
