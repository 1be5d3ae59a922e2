package org.dovetail.engine.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.dovetail.core.dialect.BulkCopy;

/**
 * The writes of one batch of a copy into an empty target of the source's own database kind
 * ({@link RawRows}): live rows are copied straight into the target's table as the source's copy
 * text, tombstones through the staging table, as {@link CopyWrites} does for new keys. An
 * application that wrote one of the keys meanwhile makes the batch fail (a key it inserted: the
 * primary key; one it deleted: the tombstone check), and the pass goes on the decoding way.
 */
final class RawWrites {
    private final SideTable table;
    private final StageSql stage;
    private final BulkCopy copy;
    private final RawRows raw;
    /** A staged tombstone's op and (no) expected seq, in front of its row fields. */
    private final byte[] tomb;

    RawWrites(SideTable table, StageSql stage, BulkCopy copy, RawRows raw) {
        this.table = table;
        this.stage = stage;
        this.copy = copy;
        this.raw = raw;
        this.tomb = copy.fields(false, WriteOp.TOMB.code(), null);
    }

    /** Writes the batch; returns how many live rows it copied. */
    long execute(Connection c, List<RawRows.Line> lines) throws SQLException {
        long live = lines.stream().filter(l -> !l.dead()).count();
        long dead = lines.size() - live;
        String name = "new rows of table " + table.pair().name();
        if (live > 0) {
            CopyWrites.check(copy.copyInLines(c, stage.tableName(), stage.renderedRowColumns(), out -> {
                for (RawRows.Line line : lines) {
                    if (!line.dead()) {
                        raw.writeRow(line, out);
                    }
                }
            }), live, name);
        }
        if (dead > 0) {
            try (Statement s = c.createStatement()) {
                s.execute(stage.create());
            }
            copy.copyInLines(c, stage.stageName(), stage.stageColumns(), out -> {
                for (RawRows.Line line : lines) {
                    if (line.dead()) {
                        out.write(tomb, 0, tomb.length);
                        raw.writeRow(line, out);
                    }
                }
            });
            try (Statement s = c.createStatement()) {
                CopyWrites.check(s.executeUpdate(stage.insertTombs()), dead,
                        "new tombstones of table " + table.pair().name());
            }
        }
        if (live > 0) {
            try (PreparedStatement ps = c.prepareStatement(stage.tombsOfRowsWrittenNow());
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                CopyWrites.check(rs.getLong(1), 0, "tombstones of " + name);
            }
        }
        return live;
    }
}
