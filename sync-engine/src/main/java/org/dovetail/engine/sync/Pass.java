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
    /** The target had no rows and no tombstones before the pass's first write: nothing to look up or lock. */
    private boolean targetWasEmpty;
    /**
     * The target never received anything of the source: only then is it worth asking whether it is
     * empty (a scan that must step over every dead row at the start of a table that was updated).
     */
    private boolean firstFromSource;
    /**
     * Keys are read without locks, and the set-based writes check that each key still has the
     * state read (its dv_seq); keys changed at both sides are always locked before deciding.
     * Off after a batch met a concurrent write, and where writes are bound statements.
     */
    private boolean optimistic;
    private boolean openChecked;
    private boolean prepared;
    /** Whether this pass looked at copying rows as copy text ({@link #rawRows}). */
    private boolean rawTried;
    /** Keys of the last look-up that have a live row and also a (stale) tombstone. */
    private final java.util.Set<RowKey> staleTombs = new java.util.HashSet<>();

    /** Decides what a key both sites changed becomes (conflicts, holds, refusals). */
    private final ConflictDecider decider;

    Pass(TableRun run, boolean sourceIsA) {
        this.decider = run.decider;
        this.run = run;
        this.sourceIsA = sourceIsA;
        this.source = sourceIsA ? run.a : run.b;
        this.target = sourceIsA ? run.b : run.a;
        this.sourceTable = new SideTable(run.pair, sourceIsA, source.dialect, source.dsl(source.read));
        this.targetTable = new SideTable(run.pair, !sourceIsA, target.dialect, target.dsl(target.write));
        this.sourceKey = run.pair.shape(sourceIsA).key();
        this.targetKey = run.pair.shape(!sourceIsA).key();
        this.stage = target.dialect.bulkCopy().map(copy -> new StageSql(targetTable, copy)).orElse(null);
        this.optimistic = stage != null;
        this.batchRows = targetTable.keysAsArray() ? BATCH_ROWS
                : Math.min(BATCH_ROWS, BOUND_KEY_PARTS / run.pair.keyCount());
        this.sequences = new SequenceFollow(target, run.pair, !sourceIsA, run.dryRun);
    }

    /** Runs the pass: first the changes the target refused before, then what changed since; returns rows applied. */
    long run() throws SQLException {
        checkOpen();
        if (targetHasOpen && !run.dryRun) {
            List<Conflict> refused = new ConflictStore(target.write, target.dialect)
                    .openRejected(run.pair.name(), target.name(), source.name());
            target.write.commit();
            retry(refused);
        }
        Watermark received = new Marks(target.write, target.dialect).read(source.identity.id(), targetKey);
        Watermark targetSent = new Marks(source.write, source.dialect).read(target.identity.id(), sourceKey);
        target.write.commit();
        source.write.commit();
        long settled = source.dialect.changeCapture().settledSeqBeforeRead(source.write);
        source.write.commit();
        String snapshot = source.dialect.changeCapture().snapshotOfReadTransaction(source.read);
        long highest = received.seq();
        firstFromSource = received.seq() == 0;
        if (run.wantsTotals()) {
            try (PreparedStatement ps = source.read.prepareStatement(
                    new ChangeSql(sourceTable).countSince(received, target.name()));
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                run.starting(sourceIsA, rs.getLong(1));
            }
        }
        RawRows raw = rawRows(received);
        if (raw != null) {
            try {
                highest = copyRaw(raw, new Batch(snapshot, settled, received, targetSent, List.of(), true, 0));
            } catch (SQLException e) {
                // an application wrote the target meanwhile, or a value it refuses: the decoding way deals with it
                target.write.rollback();
                source.read.rollback();
                source.write.rollback();
                return run();
            }
        } else {
            try (ChangeReader<RowState> reader = ChangeReader.rows(source.read,
                    new ChangeSql(sourceTable).changesSince(received, target.name()), sourceTable, batchRows, BATCH_BYTES)) {
                for (List<RowState> changes = reader.next(); changes != null; changes = reader.next()) {
                    highest = Math.max(highest, flush(new Batch(snapshot, settled, received, targetSent, changes, true)));
                }
            }
        }
        long done = highest;
        try (PreparedStatement ps = source.read.prepareStatement(new ChangeSql(sourceTable).maxSeq());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long visibleMax = Math.min(rs.getLong(1), settled);
            if (raw != null || visibleMax > highest || !java.util.Objects.equals(snapshot, received.snapshot())) {
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

    /**
     * The first copy of a table into an empty target of the source's own database kind, with the
     * same column types: rows pass as the source's copy text, never decoded (null: not this pass).
     * Tried once per pass; a batch that fails sends the rest of the pass the decoding way.
     */
    private RawRows rawRows(Watermark received) throws SQLException {
        if (rawTried || run.dryRun || received.seq() != 0 || run.pair.columnMerge() || stage == null
                || target.dialect.changeCapture().txidExpression() == null) {
            return null;
        }
        rawTried = true;
        java.util.Optional<org.dovetail.core.dialect.BulkCopy> out = source.dialect.bulkCopy();
        if (out.isEmpty() || !out.get().passesTo(target.dialect.bulkCopy().orElseThrow()) || !run.pair.sameTypes()) {
            return null;
        }
        prepare();
        if (stage == null || !targetWasEmpty || targetHasOpen) {
            return null;
        }
        byte[] from = target.dialect.bulkCopy().orElseThrow().fields(true, source.name());
        return new RawRows(run.pair, !sourceIsA, from);
    }

    /** Copies the changes as copy text, batch by batch (see {@link RawWrites}); returns the highest seq applied. */
    private long copyRaw(RawRows raw, Batch pass) throws SQLException {
        long highest = pass.received.seq();
        RawWrites writes = new RawWrites(targetTable, stage, target.dialect.bulkCopy().orElseThrow(), raw);
        try (ChangeReader<RawRows.Line> reader = ChangeReader.lines(source.read, source.dialect.bulkCopy().orElseThrow(),
                new ChangeSql(sourceTable).changesSince(pass.received, target.name(), false), raw, batchRows,
                BATCH_BYTES)) {
            for (List<RawRows.Line> next = reader.next(); next != null; next = reader.next()) {
                List<RawRows.Line> lines = next;
                long maxSeq = 0;
                for (RawRows.Line line : lines) {
                    maxSeq = Math.max(maxSeq, raw.seq(line));
                }
                target.dialect.lockForWriting(target.write);
                target.dialect.setApplying(target.write, true);
                constraintTiming(true);
                long live = writes.execute(target.write, lines);
                sequences.advance(target.write, column -> raw.largest(lines, column));
                target.dialect.setApplying(target.write, false);
                // rows come in table order, not by seq: the watermark moves once, at the end of the pass
                highest = Math.max(highest, finishBatch(new Batch(pass.snapshot, pass.settled, pass.received,
                        pass.targetSent, List.of(), false, maxSeq), live));
                run.progress(lines.size());
            }
        }
        return highest;
    }

    /** Whether the target has open conflicts of the table: the pass retries its refused changes first. */
    private void checkOpen() throws SQLException {
        if (openChecked) {
            return;
        }
        openChecked = true;
        targetHasOpen = new ConflictStore(target.write, target.dialect).hasOpen(run.pair.name());
    }

    /**
     * Looks at the target once per pass, before its first write: emptiness, whether the bulk
     * path may be used. Not before: a pass with nothing to apply (most syncs) spares the round trips.
     */
    private void prepare() throws SQLException {
        if (prepared) {
            return;
        }
        prepared = true;
        checkOpen();
        targetWasEmpty = firstFromSource && isEmpty();
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
    }

    private void finishTarget() throws SQLException {
        if (run.dryRun) {
            target.write.rollback();
        } else {
            target.write.commit();
        }
    }

    /**
     * Applies one batch: set-based, then (an application wrote one of its keys meanwhile, or
     * the database refused a row) again with every key locked, then row by row, where each
     * row the database still refuses is set aside as a {@code rejected} record.
     */
    private long flush(Batch batch) throws SQLException {
        prepare();
        boolean rowByRow = false;
        for (int attempt = 1; ; attempt++) {
            try {
                long top = rowByRow ? applyRowByRow(batch) : apply(batch);
                run.progress(batch.changes.size());
                return top;
            } catch (SQLException e) {
                target.write.rollback();
                decider.dropPending(sourceIsA);
                // an application wrote a key meanwhile: from now on look rows up and lock them
                targetWasEmpty = false;
                optimistic = false;
                boolean refused = target.dialect.failures().refusal(e).isPresent();
                if (rowByRow || !refused && !raced(e)) {
                    throw e;
                }
                rowByRow = refused || attempt + 1 >= RETRIES;
            }
        }
    }

    private boolean raced(SQLException e) {
        return target.dialect.failures().raced(e);
    }

    private long apply(Batch batch) throws SQLException {
        target.dialect.lockForWriting(target.write);
        List<RowKey> keys = batch.keys();
        Map<RowKey, RowState> current = lookUp(batch, keys);
        ConflictStore targetConflicts = new ConflictStore(target.write, target.dialect);
        Map<String, Conflict> held = held(targetConflicts, keys);
        BatchWrites writes = stage != null
                ? new CopyWrites(targetTable, stage, target.dialect.bulkCopy().orElseThrow(), source.name())
                : new Writes(targetTable, source.name());
        long appliedHere = 0;
        for (RowState change : batch.changes) {
            appliedHere += decide(change, current, held, batch, targetConflicts, writes);
        }
        target.dialect.setApplying(target.write, true);
        constraintTiming(true);
        clearStaleTombstones();
        writes.execute(target.write);
        sequences.advance(target.write, batch.changes);
        target.dialect.setApplying(target.write, false);
        return finishBatch(batch, appliedHere);
    }

    /**
     * The last resort for a batch: every key locked, each change written on its own under a
     * savepoint; a change the database refuses is set aside (recorded as {@code rejected})
     * and the others apply.
     */
    private long applyRowByRow(Batch batch) throws SQLException {
        target.dialect.lockForWriting(target.write);
        List<RowKey> keys = batch.keys();
        Map<RowKey, RowState> current = states(keys, false, true);
        ConflictStore targetConflicts = new ConflictStore(target.write, target.dialect);
        Map<String, Conflict> held = held(targetConflicts, keys);
        Map<String, Conflict> refusedBefore = refusedRecords(targetConflicts, keys);
        target.dialect.setApplying(target.write, true);
        constraintTiming(false);
        clearStaleTombstones();
        long appliedHere = 0;
        for (RowState change : batch.changes) {
            Writes one = new Writes(targetTable, source.name());
            long counted = decide(change, current, held, batch, targetConflicts, one);
            RowKey key = change.key(run.pair.keyCount());
            RowState there = current.get(key);
            java.sql.Savepoint savepoint = target.write.setSavepoint();
            try {
                one.execute(target.write);
                target.write.releaseSavepoint(savepoint);
                appliedHere += counted;
                if (!one.isEmpty()) {
                    current.put(key, change.receivedFrom(source.name()));
                }
            } catch (SQLException e) {
                target.write.rollback(savepoint);
                String reason = target.dialect.failures().refusal(e).orElse(raced(e) ? "the row kept changing" : null);
                if (reason == null) {
                    throw e;
                }
                batch.refused.add(key);
                decider.refused(change, there, sourceIsA, targetConflicts, reason, refusedBefore.get(key.json()));
            }
        }
        sequences.advance(target.write, batch.changes);
        target.dialect.setApplying(target.write, false);
        return finishBatch(batch, appliedHere);
    }

    /**
     * Deferrable constraints (a cycle of foreign keys declared DEFERRABLE) are checked at the
     * batch's commit when it is applied whole, and at each row when it is applied row by row,
     * so that a refused row is found while its savepoint can still undo it.
     */
    private void constraintTiming(boolean deferred) throws SQLException {
        java.util.Optional<String> sql = target.dialect.constraintTimingSql(deferred);
        if (sql.isPresent()) {
            try (java.sql.Statement s = target.write.createStatement()) {
                s.execute(sql.get());
            }
        }
    }

    /** The new watermark (unless the batch is a retry of earlier refusals) and the commit, records at the source first. */
    private long finishBatch(Batch batch, long appliedHere) throws SQLException {
        long top = Math.min(batch.maxSeq, batch.settled);
        if (batch.marks) {
            new Marks(target.write, target.dialect).write(source.identity.id(), targetKey,
                    new Watermark(top, batch.snapshot));
        }
        decider.commitAtSource(sourceIsA);
        finishTarget();
        applied += appliedHere;
        return top;
    }

    /** Decides what one received change does at the target and adds its write; returns 1 when it counts as applied. */
    private long decide(RowState change, Map<RowKey, RowState> current, Map<String, Conflict> held, Batch batch,
                        ConflictStore targetConflicts, BatchWrites writes) throws SQLException {
        RowKey key = change.key(run.pair.keyCount());
        RowState there = current.get(key);
        Conflict open = held.isEmpty() ? null : held.get(key.json());
        if (open != null && !decider.resolvedElsewhere(open.id())) {
            decider.hold(open, change, sourceIsA, targetConflicts);
            return 0;
        }
        if (!changedThere(change, current, batch)) {
            if (there == null || !change.sameVersion(there)) {
                writes.add(change, there);
                // a tombstone kept for a key never seen here is history, not a change users see;
                // a merge of this run coming back was counted as merged
                return (there != null || !change.dead()) && !decider.mergedFrom(key, there, sourceIsA) ? 1 : 0;
            }
        } else if (change.sameContent(there)) {
            if (!change.sameVersion(there) && decider.metadataWinner(change, there, sourceIsA)) {
                writes.add(change, there);
            }
        } else {
            RowState merged = decider.merge(change, there, sourceIsA, batch.received, batch.targetSent,
                    targetConflicts);
            if (merged != null) {
                writes.add(merged, there);
            } else if (decider.conflict(change, there, sourceIsA, targetConflicts)) {
                writes.add(change, there);
                return 1;
            }
        }
        return 0;
    }

    /** Open conflicts that hold their keys' changes back (a refused change holds nothing: it is tried again). */
    private Map<String, Conflict> held(ConflictStore store, List<RowKey> keys) {
        return targetHasOpen ? store.openFor(run.pair.name(), jsons(keys)) : Map.of();
    }

    /** The open records of the keys' changes from the source refused here before, by key. */
    private Map<String, Conflict> refusedRecords(ConflictStore store, List<RowKey> keys) {
        return targetHasOpen ? store.openRejectedFor(run.pair.name(), target.name(), source.name(), jsons(keys))
                : Map.of();
    }

    private static List<String> jsons(List<RowKey> keys) {
        return keys.stream().map(RowKey::json).toList();
    }

    /**
     * A key with both a live row and a tombstone (a delete and an insert of the same key that
     * raced in an older version's triggers): the live row is the key's state; the tombstone goes.
     */
    private void clearStaleTombstones() throws SQLException {
        List<RowKey> stale = List.copyOf(staleTombs);
        staleTombs.clear();
        if (stale.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = target.write.prepareStatement(new WriteSql(targetTable).deleteTomb())) {
            for (RowKey key : stale) {
                for (int k = 0; k < run.pair.keyCount(); k++) {
                    org.dovetail.core.row.Values.bind(ps, k + 1, run.pair.columns().get(k).kind(), key.parts()[k]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Tries again changes the target refused before: the source's current state of each
     * record's key is applied as a change (no watermark moves); a record whose change now
     * applies is resolved at both sites (removed, when this run recorded it: it was only a
     * matter of order). Returns how many rows applied.
     */
    long retry(List<Conflict> records) throws SQLException {
        if (records.isEmpty()) {
            return 0;
        }
        prepare();
        Watermark targetSent = new Marks(source.write, source.dialect).read(target.identity.id(), sourceKey);
        source.write.commit();
        Watermark received = new Marks(target.write, target.dialect).read(source.identity.id(), targetKey);
        target.write.commit();
        long before = applied;
        for (int from = 0; from < records.size(); from += batchRows) {
            List<Conflict> chunk = records.subList(from, Math.min(records.size(), from + batchRows));
            Map<String, Conflict> byKey = new HashMap<>();
            chunk.forEach(c -> byKey.put(c.keyJson(), c));
            List<RowKey> keys = chunk.stream().map(c -> run.pair.key(c.keyJson())).toList();
            List<RowState> changes = new ArrayList<>();
            for (RowState state : sourceStates(keys)) {
                if (!target.name().equals(state.from())) {
                    changes.add(state);
                }
            }
            Batch batch = new Batch(null, Long.MAX_VALUE, received, targetSent, changes, false);
            if (!changes.isEmpty()) {
                flush(batch);
            }
            ConflictStore targetConflicts = new ConflictStore(target.write, target.dialect);
            for (RowKey key : keys) {
                if (!batch.refused.contains(key)) {
                    decider.accepted(byKey.get(key.json()), sourceIsA, targetConflicts);
                }
            }
            finishTarget();
        }
        return applied - before;
    }

    /** The source's current state of the keys (rows and tombstones), unlocked. */
    private List<RowState> sourceStates(List<RowKey> keys) throws SQLException {
        List<RowState> states = new ArrayList<>(
                readStates(source.write, sourceTable, keys, false, false, new java.util.HashSet<>()).values());
        source.write.commit();
        return states;
    }

    private boolean isEmpty() throws SQLException {
        try (PreparedStatement ps = target.write.prepareStatement(new ChangeSql(targetTable).anyRowOrTombstone());
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

    /**
     * Whether the target changed the key itself since it last sent to the source (not an echo of
     * the source, nor the row this run merged into the change coming back).
     */
    private boolean changedThere(RowState change, Map<RowKey, RowState> current, Batch batch) {
        RowKey key = change.key(run.pair.keyCount());
        RowState there = current.get(key);
        return there != null && !batch.targetSent.covers(there.seq(), there.txid())
                && !source.name().equals(there.from()) && !decider.mergedFrom(key, there, sourceIsA);
    }

    /**
     * The target's state of the keys: full rows, locked when {@code lock}; or, when {@code brief},
     * only key and bookkeeping, unlocked (enough to write one-sided changes with guards).
     */
    private Map<RowKey, RowState> states(List<RowKey> keys, boolean brief, boolean lock) throws SQLException {
        staleTombs.clear();
        return readStates(target.write, targetTable, keys, brief, lock, staleTombs);
    }

    /**
     * A site's state of the keys: the live row, else the tombstone. A key that has both (see
     * {@link #clearStaleTombstones}) is its live row, and goes into {@code stale}.
     */
    private Map<RowKey, RowState> readStates(java.sql.Connection c, SideTable table, List<RowKey> keys,
                                             boolean brief, boolean lock, java.util.Set<RowKey> stale)
            throws SQLException {
        Map<RowKey, RowState> current = new HashMap<>();
        int chunk = table.keysPerLookup(); // SQLite: a few hundred keys per statement
        for (boolean tombs : new boolean[] {false, true}) {
            for (int from = 0; from < keys.size(); from += chunk) {
                List<RowKey> some = keys.subList(from, Math.min(keys.size(), from + chunk));
                String sql = brief ? table.brief(some.size(), tombs) : table.current(some.size(), tombs, lock);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    table.bindKeys(ps, some, c);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            RowState state = brief ? table.read(rs, true, true) : table.read(rs, false, tombs);
                            RowKey key = state.key(run.pair.keyCount());
                            if (tombs && current.containsKey(key)) {
                                stale.add(key);
                            } else {
                                current.put(key, state);
                            }
                        }
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
        /** What the target has received of the source (the source's changes since then are new). */
        final Watermark received;
        /** What the source has received of the target. */
        final Watermark targetSent;
        final List<RowState> changes;
        final long maxSeq;
        /** Whether applying the batch moves the watermark (not for retries of refused changes). */
        final boolean marks;
        /** Keys whose change the target refused (set aside). */
        final java.util.Set<RowKey> refused = new java.util.HashSet<>();

        Batch(String snapshot, long settled, Watermark received, Watermark targetSent, List<RowState> changes,
              boolean marks) {
            this(snapshot, settled, received, targetSent, changes, marks,
                    changes.stream().mapToLong(RowState::seq).max().orElse(0));
        }

        Batch(String snapshot, long settled, Watermark received, Watermark targetSent, List<RowState> changes,
              boolean marks, long maxSeq) {
            this.marks = marks;
            this.received = received;
            this.snapshot = snapshot;
            this.settled = settled;
            this.targetSent = targetSent;
            this.changes = changes;
            this.maxSeq = maxSeq;
        }

        List<RowKey> keys() {
            return changes.stream().map(c -> c.key(run.pair.keyCount())).toList();
        }
    }
}
