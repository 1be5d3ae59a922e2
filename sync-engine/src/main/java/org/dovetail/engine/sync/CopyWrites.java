package org.dovetail.engine.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.dovetail.core.dialect.BulkCopy;
import org.dovetail.engine.sync.StageSql.Op;

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
    private final Writes fallback;
    private final List<RowState> inserts = new ArrayList<>();
    private final List<RowState> staged = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private final List<Long> expected = new ArrayList<>();
    private final Map<Op, Integer> counts = new EnumMap<>(Op.class);

    CopyWrites(SideTable table, StageSql stage, BulkCopy copy, String from) {
        this.table = table;
        this.stage = stage;
        this.copy = copy;
        this.from = from;
        this.fallback = new Writes(table, from);
    }

    @Override
    public void add(RowState change, RowState there) {
        fallback.add(change, there);
        if (!change.dead()) {
            if (there == null) {
                inserts.add(change);
            }
            stage(there == null ? Op.INSERT : there.dead() ? Op.REINSERT : Op.UPDATE, change, there);
        } else if (there != null && !there.dead()) {
            stage(Op.DELETE, change, there);
        } else {
            stage(there != null ? Op.RETOMB : Op.TOMB, change, there);
        }
    }

    private void stage(Op op, RowState change, RowState there) {
        staged.add(change);
        ops.add(op);
        expected.add(there == null ? null : there.seq());
        counts.merge(op, 1, Integer::sum);
    }

    @Override
    public void execute(Connection c) throws SQLException {
        if (!copyable(inserts) || !copyable(staged)) {
            fallback.execute(c);
            return;
        }
        // new rows' keys are checked against tombstones as one array where the key allows, else staged
        boolean keysAsArray = table.keysAsArray();
        int stagedRows = staged.size() - (keysAsArray ? count(Op.INSERT) : 0);
        if (stagedRows > 0) {
            try (Statement s = c.createStatement()) {
                s.execute(stage.create());
            }
            copy.copyIn(c, stage.stageName(), stage.stageColumns(), rows -> {
                for (int i = 0; i < staged.size(); i++) {
                    if (!keysAsArray || ops.get(i) != Op.INSERT) {
                        rows.text(ops.get(i).code());
                        Long seq = expected.get(i);
                        if (seq == null) {
                            rows.text(null);
                        } else {
                            rows.number(seq);
                        }
                        encode(rows, staged.get(i), ops.get(i) == Op.INSERT);
                    }
                }
            });
            expect(c, stage.deleteRows(), count(Op.DELETE));
            expect(c, stage.insertTombs(), count(Op.DELETE) + count(Op.TOMB));
            expect(c, stage.updateTombs(), count(Op.RETOMB));
            expect(c, stage.deleteTombs(), count(Op.REINSERT));
            expect(c, stage.reinsertRows(), count(Op.REINSERT));
            expect(c, stage.updateRows(), count(Op.UPDATE));
        }
        if (!inserts.isEmpty()) {
            long loaded = copy.copyIn(c, stage.tableName(), stage.renderedRowColumns(), rows -> {
                for (RowState row : inserts) {
                    encode(rows, row, false);
                }
            });
            check(loaded, inserts.size(), "COPY");
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

    private int count(Op op) {
        return counts.getOrDefault(op, 0);
    }

    /** Runs a set-based statement when the batch has rows for it and checks it touched exactly those. */
    private static void expect(Connection c, String sql, int expected) throws SQLException {
        if (expected == 0) {
            return;
        }
        try (Statement s = c.createStatement()) {
            check(s.executeUpdate(sql), expected, sql);
        }
    }

    private static void check(long touched, long expected, String what) throws SQLException {
        if (touched != expected) {
            throw new SQLException("the target changed under the batch: " + touched + " rows instead of "
                    + expected + " (" + what + ")", "40001");
        }
    }

    /** A row (a dead one, or with {@code keyOnly}: only its key) and its bookkeeping. */
    private void encode(BulkCopy.Rows rows, RowState row, boolean keyOnly) throws SQLException {
        List<ColumnPair> columns = table.pair().columns();
        for (int i = 0; i < columns.size(); i++) {
            Object value = (row.dead() || keyOnly) && !columns.get(i).key() ? null : row.values()[i];
            rows.value(columns.get(i).kind(), value);
        }
        rows.number(row.version());
        rows.text(row.origin());
        rows.text(row.site());
        rows.instant(row.changedAt());
        rows.text(from);
        rows.endRow();
    }
}
