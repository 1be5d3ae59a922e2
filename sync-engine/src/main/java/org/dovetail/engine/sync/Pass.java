package org.dovetail.engine.sync;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dovetail.core.capture.Watermark;
import org.dovetail.conflicts.Conflict;
import org.dovetail.conflicts.ConflictStore;

/**
 * One direction of one table's sync: streams the source's changes since the target last
 * received them, in seq order, and applies them at the target batch by batch. Each batch's
 * rows, conflict records and the target's new watermark commit in one transaction.
 */
final class Pass {
    private static final int BATCH_ROWS = 10_000;
    /** Keys bound one by one stay under PostgreSQL's 32,767 parameters per statement. */
    private static final int BOUND_KEY_PARTS = 30_000;
    private static final long BATCH_BYTES = 16L << 20;
    private static final int RETRIES = 3;

    private final TableRun run;
    private final SiteSession source;
    private final SiteSession target;
    private final boolean sourceIsA;
    private final SideTable sourceTable;
    private final SideTable targetTable;
    private final String sourceKey;
    private final String targetKey;
    private final int batchRows;
    private final SequenceFollow sequences;
    /** The target's set-based writes, when its database has a bulk load path the sync's role may use. */
    private StageSql stage;
    private long applied;
    private boolean targetHasOpen;
    /** The target had no rows and no tombstones when the pass began: nothing to look up or lock. */
    private boolean targetWasEmpty;
    /**
     * Keys are read without locks, and the set-based writes check that each key still has the
     * state read (its dv_seq); keys changed at both sides are always locked before deciding.
     * Off after a batch met a concurrent write, and where writes are bound statements.
     */
    private boolean optimistic;

    Pass(TableRun run, boolean sourceIsA) {
        this.run = run;
        this.sourceIsA = sourceIsA;
        this.source = sourceIsA ? run.a : run.b;
        this.target = sourceIsA ? run.b : run.a;
        this.sourceTable = new SideTable(run.pair, sourceIsA, source.dialect, source.dsl(source.read));
        this.targetTable = new SideTable(run.pair, !sourceIsA, target.dialect, target.dsl(target.write));
        this.sourceKey = run.pair.shape(sourceIsA).key();
        this.targetKey = run.pair.shape(!sourceIsA).key();
        this.stage = target.dialect.bulkCopy().isPresent() ? new StageSql(targetTable) : null;
        this.optimistic = stage != null;
        this.batchRows = targetTable.keysAsArray() ? BATCH_ROWS
                : Math.min(BATCH_ROWS, BOUND_KEY_PARTS / run.pair.keyCount());
        this.sequences = new SequenceFollow(target, run.pair, !sourceIsA, run.dryRun);
    }

    /** Runs the pass; returns how many rows were applied at the target. */
    long run() throws SQLException {
        Watermark received = new Marks(target.write, target.dialect).read(source.identity.id(), targetKey);
        Watermark targetSent = new Marks(source.write, source.dialect).read(target.identity.id(), sourceKey);
        target.write.commit();
        source.write.commit();
        targetHasOpen = new ConflictStore(target.write, target.dialect).hasOpen(run.pair.name());
        targetWasEmpty = isEmpty();
        if (stage != null && !target.dialect.bulkCopy().orElseThrow().usable(target.write)) {
            stage = null;
            optimistic = false;
        }
        if (stage != null) {
            try (java.sql.Statement s = target.write.createStatement()) {
                s.execute(stage.drop());
            }
        }
        target.write.commit();
        long settled = source.dialect.changeCapture().settledSeqBeforeRead(source.write);
        source.write.commit();
        String snapshot = source.dialect.changeCapture().snapshotOfReadTransaction(source.read);
        long highest = received.seq();
        try (ChangeReader reader = new ChangeReader(source.read, sourceTable.changesSince(received, target.name()),
                sourceTable, batchRows, BATCH_BYTES)) {
            for (List<RowState> changes = reader.next(); changes != null; changes = reader.next()) {
                highest = Math.max(highest, flush(new Batch(snapshot, settled, targetSent, changes)));
            }
        }
        long done = highest;
        try (PreparedStatement ps = source.read.prepareStatement(sourceTable.maxSeq());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long visibleMax = Math.min(rs.getLong(1), settled);
            if (visibleMax > highest || !java.util.Objects.equals(snapshot, received.snapshot())) {
                done = Math.max(highest, visibleMax);
                new Marks(target.write, target.dialect).write(source.identity.id(), targetKey,
                        new Watermark(done, snapshot));
                finishTarget();
            }
        }
        source.read.commit();
        if (!run.dryRun) {
            new Marks(source.write, source.dialect).writeSent(target.identity.id(), target.name(), sourceKey, done);
            source.write.commit();
        }
        return applied;
    }

    private void finishTarget() throws SQLException {
        if (run.dryRun) {
            target.write.rollback();
        } else {
            target.write.commit();
        }
    }

    /** Applies one batch, retrying when an application wrote one of its keys meanwhile. */
    private long flush(Batch batch) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                long top = apply(batch);
                run.progress(batch.changes.size());
                return top;
            } catch (SQLException e) {
                target.write.rollback();
                boolean raced = "23505".equals(e.getSQLState()) || "40001".equals(e.getSQLState())
                        || "40P01".equals(e.getSQLState());
                // an application wrote a key meanwhile: from now on look rows up and lock them
                targetWasEmpty = false;
                optimistic = false;
                if (!raced || attempt >= RETRIES) {
                    throw e;
                }
            }
        }
    }

    private long apply(Batch batch) throws SQLException {
        List<RowKey> keys = batch.keys();
        Map<RowKey, RowState> current = lookUp(batch, keys);
        ConflictStore targetConflicts = new ConflictStore(target.write, target.dialect);
        Map<String, Conflict> held = !targetHasOpen ? Map.of() : targetConflicts.openFor(run.pair.name(),
                keys.stream().map(RowKey::json).toList());
        BatchWrites writes = stage != null
                ? new CopyWrites(targetTable, stage, target.dialect.bulkCopy().orElseThrow(), source.name())
                : new Writes(targetTable, source.name());
        long appliedHere = 0;
        for (RowState change : batch.changes) {
            RowKey key = change.key(run.pair.keyCount());
            RowState there = current.get(key);
            Conflict open = held.isEmpty() ? null : held.get(key.json());
            if (open != null && !run.resolvedElsewhere(open.id())) {
                run.hold(open, change, sourceIsA, targetConflicts);
                continue;
            }
            if (!changedThere(change, current, batch)) {
                if (there == null || !change.sameVersion(there)) {
                    writes.add(change, there);
                    if (there != null || !change.dead()) {
                        // a tombstone kept for a key never seen here is history, not a change users see
                        appliedHere++;
                    }
                }
            } else if (change.sameContent(there)) {
                if (!change.sameVersion(there) && run.metadataWinner(change, there, sourceIsA)) {
                    writes.add(change, there);
                }
            } else if (run.conflict(change, there, sourceIsA, targetConflicts)) {
                writes.add(change, there);
                appliedHere++;
            }
        }
        target.dialect.setApplying(target.write, true);
        writes.execute(target.write);
        sequences.advance(target.write, batch.changes);
        target.dialect.setApplying(target.write, false);
        long top = Math.min(batch.maxSeq, batch.settled);
        new Marks(target.write, target.dialect).write(source.identity.id(), targetKey,
                new Watermark(top, batch.snapshot));
        finishTarget();
        applied += appliedHere;
        return top;
    }

    private boolean isEmpty() throws SQLException {
        try (PreparedStatement ps = target.write.prepareStatement(targetTable.anyRowOrTombstone());
             ResultSet rs = ps.executeQuery()) {
            boolean empty = !rs.next();
            target.write.commit();
            return empty;
        }
    }

    /** The target's state of the batch's keys: locked, unless the writes check it themselves. */
    private Map<RowKey, RowState> lookUp(Batch batch, List<RowKey> keys) throws SQLException {
        if (targetWasEmpty) {
            return Map.of();
        }
        if (!optimistic || targetHasOpen) {
            return states(keys, false, true);
        }
        Map<RowKey, RowState> brief = states(keys, true, false);
        boolean simple = batch.changes.stream().noneMatch(c -> {
            RowState there = brief.get(c.key(run.pair.keyCount()));
            return changedThere(c, brief, batch) || there != null && there.dead() == c.dead()
                    && there.version() == c.version() && java.util.Objects.equals(there.origin(), c.origin());
        });
        // a key changed at both sides, or already at the incoming version: decide on full, locked rows
        return simple ? brief : states(keys, false, true);
    }

    /** Whether the target changed the key itself since it last sent to the source (not an echo of the source). */
    private boolean changedThere(RowState change, Map<RowKey, RowState> current, Batch batch) {
        RowState there = current.get(change.key(run.pair.keyCount()));
        return there != null && !batch.targetSent.covers(there.seq(), there.txid())
                && !source.name().equals(there.from());
    }

    /**
     * The target's state of the keys: full rows, locked when {@code lock}; or, when {@code brief},
     * only key and bookkeeping, unlocked (enough to write one-sided changes with guards).
     */
    private Map<RowKey, RowState> states(List<RowKey> keys, boolean brief, boolean lock) throws SQLException {
        Map<RowKey, RowState> current = new HashMap<>();
        for (boolean tombs : new boolean[] {false, true}) {
            String sql = brief ? targetTable.brief(keys.size(), tombs) : targetTable.current(keys.size(), tombs, lock);
            try (PreparedStatement ps = target.write.prepareStatement(sql)) {
                targetTable.bindKeys(ps, keys, target.write);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RowState state = brief ? targetTable.read(rs, true, true) : targetTable.read(rs, false, tombs);
                        current.put(state.key(run.pair.keyCount()), state);
                    }
                }
            }
        }
        return current;
    }

    /** Changes read from the source, applied together. */
    private final class Batch {
        final String snapshot;
        final long settled;
        final Watermark targetSent;
        final List<RowState> changes;
        final long maxSeq;

        Batch(String snapshot, long settled, Watermark targetSent, List<RowState> changes) {
            this.snapshot = snapshot;
            this.settled = settled;
            this.targetSent = targetSent;
            this.changes = changes;
            this.maxSeq = changes.stream().mapToLong(RowState::seq).max().orElse(0);
        }

        List<RowKey> keys() {
            return changes.stream().map(c -> c.key(run.pair.keyCount())).toList();
        }
    }
}
