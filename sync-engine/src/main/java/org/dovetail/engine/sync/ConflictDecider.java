package org.dovetail.engine.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dovetail.conflicts.Conflict;
import org.dovetail.conflicts.ConflictStore;
import org.dovetail.conflicts.Copy;
import org.dovetail.conflicts.RowCopy;
import org.dovetail.conflicts.WinnerRule;
import org.dovetail.core.capture.Watermark;
import org.dovetail.core.config.Policy;
import org.dovetail.core.row.Values;

/**
 * Everything one table's run decides about a key both sites changed, in one place: whether it
 * is a conflict and who wins (by the table's policy, through {@link WinnerRule}), holding a
 * change back while its key has an open conflict, setting aside a change the target refused,
 * and the records' ids and copies. The records go to both sites (the source's committed first,
 * the target's in the batch's transaction); a dry run records nothing.
 */
final class ConflictDecider {
    private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    private final TablePair pair;
    private final SiteSession a;
    private final SiteSession b;
    private final Policy policy;
    private final String runId;
    private final boolean dryRun;
    private final Set<String> resolvedElsewhere;
    private final Set<String> conflictIds = new HashSet<>();
    /** Records of changes refused in this run, by direction (true: A's changes refused at B). */
    private final Map<Boolean, Map<String, Conflict>> refusedThisRun = Map.of(true, new LinkedHashMap<>(),
            false, new LinkedHashMap<>());
    /** Ids of the rejected records first written in this run. */
    private final Set<String> recordedThisRun = new HashSet<>();
    private long held;
    /** Records of the current batch, by direction, to write at the source before the target commits. */
    private final Map<Boolean, List<Conflict>> pendingAtSource = Map.of(true, new java.util.ArrayList<>(),
            false, new java.util.ArrayList<>());
    /** Ids of the rows merged by column in this run. */
    private final Set<String> mergedIds = new HashSet<>();
    /**
     * Keys merged in this run, by direction of the pass that merged them (true: A's change merged
     * at B), with the seq of the source's row that went into the merge: the other direction
     * carries the result back over that row, which is then not a change of its own.
     */
    private final Map<Boolean, Map<RowKey, Long>> mergedFrom = Map.of(true, new java.util.HashMap<>(),
            false, new java.util.HashMap<>());

    ConflictDecider(TablePair pair, SiteSession a, SiteSession b, Policy policy, String runId, boolean dryRun,
                    Set<String> resolvedElsewhere) {
        this.pair = pair;
        this.a = a;
        this.b = b;
        this.policy = policy;
        this.runId = runId;
        this.dryRun = dryRun;
        this.resolvedElsewhere = resolvedElsewhere;
    }

    /** How many conflicts (rejected changes included) this run recorded or touched. */
    int conflicts() {
        return conflictIds.size();
    }

    /** How many rows were merged by column in this run. */
    long merged() {
        return mergedIds.size();
    }

    /**
     * Under {@code merge: columns}: the row both sites changed, merged, when each changed other
     * columns since the pair last met (a column both changed to the same value is no obstacle);
     * null when it stays a conflict (a delete, an insert at both, a column both changed
     * differently). The result is written at the target as a change of its own, so the other
     * direction of the run carries it back; the record (status {@code merged}) goes to both sites.
     *
     * @param sourceHas what the target has received of the source (the source's changes since then count)
     * @param targetHas what the source has received of the target
     */
    RowState merge(RowState source, RowState target, boolean sourceIsA, Watermark sourceHas, Watermark targetHas,
                   ConflictStore targetStore) throws SQLException {
        if (!pair.columnMerge() || source.dead() || target.dead() || !source.origin().equals(target.origin())) {
            return null;
        }
        SiteSession src = sourceIsA ? a : b;
        SiteSession dst = sourceIsA ? b : a;
        BitSet bySource = ColumnChanges.changed(pair, sourceIsA, source, sourceHas, dst.name());
        BitSet byTarget = ColumnChanges.changed(pair, !sourceIsA, target, targetHas, src.name());
        Object[] values = target.values().clone();
        for (int i = 0; i < values.length; i++) {
            ColumnPair column = pair.columns().get(i);
            boolean same = Values.same(source.values()[i], target.values()[i]);
            if (column.key() || same || column.generatedA() || column.generatedB()) {
                continue;
            }
            if (bySource.get(i) == byTarget.get(i)) {
                return null; // both changed it, or (never, with exact bookkeeping) neither did
            }
            if (bySource.get(i)) {
                values[i] = source.values()[i];
            }
        }
        boolean sourceLater = target.changedAt() == null
                || source.changedAt() != null && source.changedAt().isAfter(target.changedAt());
        RowState later = sourceLater ? source : target;
        RowState merged = new RowState(values, false, Math.max(source.version(), target.version()) + 1,
                target.origin(), later.site(), later.changedAt(), target.seq(), null, null, null, true);
        record(source, target, sourceIsA, merged, targetStore);
        mergedFrom.get(sourceIsA).put(source.key(pair.keyCount()), source.seq());
        return merged;
    }

    /**
     * Whether {@code there}, the target's row of a key, is the very row this run merged at the
     * other site in the opposite direction: what comes back is the merge, not a change there.
     */
    boolean mergedFrom(RowKey key, RowState there, boolean sourceIsA) {
        Long seq = mergedFrom.get(!sourceIsA).get(key);
        return seq != null && there != null && seq == there.seq();
    }

    private void record(RowState source, RowState target, boolean sourceIsA, RowState merged,
                        ConflictStore targetStore) throws SQLException {
        Conflict record = detected(Sides.of(source, target, sourceIsA ? a : b, sourceIsA ? b : a), "update/update",
                null, Conflict.MERGED, json(merged));
        insertAtBoth(record, sourceIsA, targetStore);
        mergedIds.add(record.id());
    }

    /** The pair's two copies of a key, the site that sorts first as side A (as the conflict store keeps them). */
    private record Sides(RowState rowA, RowState rowB, String siteA, String siteB) {
        static Sides of(RowState source, RowState target, SiteSession src, SiteSession dst) {
            boolean srcFirst = src.name().compareTo(dst.name()) <= 0;
            return srcFirst ? new Sides(source, target, src.name(), dst.name())
                    : new Sides(target, source, dst.name(), src.name());
        }
    }

    /** A record detected in this run: its id derived from both copies, both copies as the store keeps them. */
    private Conflict detected(Sides sides, String kind, String winner, String status, String detail) {
        RowKey key = sides.rowA().key(pair.keyCount());
        String id = conflictId(sides.siteA(), sides.siteB(), key, sides.rowA(), sides.rowB(), kind);
        return new Conflict(id, pair.name(), key.json(), kind, sides.siteA(), sides.siteB(), json(sides.rowA()),
                json(sides.rowB()), winner, status, policy.toString(), OffsetDateTime.now(), runId, null, null, null,
                null, detail);
    }

    /**
     * A new record at the target (in the batch's transaction) and, before that commits, at the
     * source ({@link #commitAtSource}); none on a dry run.
     */
    private void insertAtBoth(Conflict record, boolean sourceIsA, ConflictStore targetStore) {
        if (!dryRun) {
            pendingAtSource.get(sourceIsA).add(record);
            targetStore.insertIfAbsent(record);
        }
    }

    /**
     * Commits at the source the records of the batch about to commit at the target, all in one
     * transaction rather than one each: the source holds every record the target holds (a crash
     * in between leaves them at the source only, and the next run finds the same ids again).
     */
    void commitAtSource(boolean sourceIsA) throws SQLException {
        List<Conflict> pending = pendingAtSource.get(sourceIsA);
        if (pending.isEmpty()) {
            return;
        }
        SiteSession src = sourceIsA ? a : b;
        ConflictStore store = new ConflictStore(src.write, src.dialect);
        for (Conflict record : pending) {
            store.insertIfAbsent(record);
        }
        src.write.commit();
        pending.clear();
    }

    /** The batch did not commit at the target: its records are not written at the source either. */
    void dropPending(boolean sourceIsA) {
        pendingAtSource.get(sourceIsA).clear();
    }

    /** How many changes were held back because their key has an open conflict. */
    long held() {
        return held;
    }

    /** Whether changes were refused in this run and are waiting for another try. */
    boolean hasRefused() {
        return refusedThisRun.values().stream().anyMatch(m -> !m.isEmpty());
    }

    /** The records of the changes in one direction refused in this run so far; they are no longer waiting. */
    List<Conflict> takeRefused(boolean sourceIsA) {
        Map<String, Conflict> refused = refusedThisRun.get(sourceIsA);
        List<Conflict> records = List.copyOf(refused.values());
        refused.clear();
        return records;
    }

    /**
     * Records a conflict between the source's change and the target's own change, at the
     * source first and then at the target (in the batch's transaction); returns whether the
     * source's copy wins and must be applied at the target.
     */
    boolean conflict(RowState source, RowState target, boolean sourceIsA, ConflictStore targetStore)
            throws SQLException {
        SiteSession src = sourceIsA ? a : b;
        SiteSession dst = sourceIsA ? b : a;
        Optional<String> winner = WinnerRule.winner(policy, copy(src, source), copy(dst, target));
        Sides sides = Sides.of(source, target, src, dst);
        Conflict conflict = detected(sides, kind(sides.rowA(), sides.rowB()), winner.orElse(null),
                winner.isPresent() ? Conflict.AUTO : Conflict.OPEN, null);
        insertAtBoth(conflict, sourceIsA, targetStore);
        conflictIds.add(conflict.id());
        return winner.isPresent() && winner.get().equals(src.name());
    }

    /**
     * A change to a key with an open conflict is not applied; the conflict's copy of the
     * source side is brought up to date instead, so the admin decides on the newest state.
     */
    void hold(Conflict open, RowState change, boolean sourceIsA, ConflictStore targetStore) throws SQLException {
        held++;
        SiteSession src = sourceIsA ? a : b;
        boolean sideA = open.siteA().equals(src.name());
        String row = json(change);
        boolean same = java.util.Objects.equals(row, sideA ? open.rowA() : open.rowB());
        if (dryRun || same) {
            return;
        }
        new ConflictStore(src.write, src.dialect).updateCopy(open.id(), sideA, row);
        src.write.commit();
        targetStore.updateCopy(open.id(), sideA, row);
    }

    /**
     * Sets a change aside that the target refused: an open {@code rejected} record at the source
     * (committed) and at the target (in the batch's transaction), or the key's open one brought
     * up to date; the key's other changes, and every other key, go on.
     */
    void refused(RowState source, RowState target, boolean sourceIsA, ConflictStore targetStore,
                 String reason, Conflict existing) throws SQLException {
        SiteSession src = sourceIsA ? a : b;
        SiteSession dst = sourceIsA ? b : a;
        RowKey key = source.key(pair.keyCount());
        RowState there = target != null ? target : RowState.absent(key.parts(), pair.columns().size());
        Sides sides = Sides.of(source, there, src, dst);
        RowState rowA = sides.rowA();
        RowState rowB = sides.rowB();
        String detail = "table " + pair.name() + " key " + key.text() + ": " + reason;
        String siteA = sides.siteA();
        String siteB = sides.siteB();
        // the key's open record, if any, is brought up to date: its id, time and run stay
        Conflict conflict = new Conflict(existing != null ? existing.id()
                : conflictId(siteA, siteB, key, rowA, rowB, Conflict.REJECTED), pair.name(), key.json(),
                Conflict.REJECTED, siteA, siteB, json(rowA), json(rowB), null, Conflict.OPEN,
                existing != null ? existing.policy() : policy.toString(),
                existing != null ? existing.detectedAt() : OffsetDateTime.now(),
                existing != null ? existing.runId() : runId, null, null, null, dst.name(), detail);
        if (!dryRun) {
            ConflictStore sourceStore = new ConflictStore(src.write, src.dialect);
            if (existing != null) {
                sourceStore.updateRejection(conflict.id(), conflict.rowA(), conflict.rowB(), detail);
                src.write.commit();
                targetStore.updateRejection(conflict.id(), conflict.rowA(), conflict.rowB(), detail);
            } else {
                sourceStore.insertIfAbsent(conflict);
                src.write.commit();
                targetStore.insertIfAbsent(conflict);
            }
        }
        if (existing == null) {
            recordedThisRun.add(conflict.id());
        }
        conflictIds.add(conflict.id());
        refusedThisRun.get(sourceIsA).put(conflict.id(), conflict);
    }

    /** A refused change applied on a later try: its record is resolved at both sites, or forgotten if from this run. */
    void accepted(Conflict record, boolean sourceIsA, ConflictStore targetStore) throws SQLException {
        SiteSession src = sourceIsA ? a : b;
        if (dryRun) {
            return;
        }
        ConflictStore sourceStore = new ConflictStore(src.write, src.dialect);
        forget(record);
        if (recordedThisRun.contains(record.id())) {
            sourceStore.delete(record.id());
            targetStore.delete(record.id());
        } else {
            OffsetDateTime now = OffsetDateTime.now();
            sourceStore.markResolved(record.id(), "dovetail", now, src.name());
            targetStore.markResolved(record.id(), "dovetail", now, src.name());
        }
        src.write.commit();
    }

    /** A record of this run that the retry made unnecessary: gone from the count, and from both sites. */
    void forget(Conflict record) {
        conflictIds.remove(record.id());
    }

    /** Whether an open record here was already resolved at the other site (known on dry runs only). */
    boolean resolvedElsewhere(String conflictId) {
        return resolvedElsewhere.contains(conflictId);
    }

    /** Both sides hold the same content in different versions: whether the source's metadata should win. */
    boolean metadataWinner(RowState source, RowState target, boolean sourceIsA) {
        SiteSession src = sourceIsA ? a : b;
        SiteSession dst = sourceIsA ? b : a;
        return WinnerRule.byVersion(copy(src, source), copy(dst, target)).equals(src.name());
    }

    private static Copy copy(SiteSession holder, RowState row) {
        return new Copy(holder.name(), row.version(), row.changedAt(), row.site());
    }

    private static String kind(RowState rowA, RowState rowB) {
        if (!rowA.dead() && !rowB.dead() && !rowA.origin().equals(rowB.origin())) {
            return "insert/insert";
        }
        return (rowA.dead() ? "delete" : "update") + "/" + (rowB.dead() ? "delete" : "update");
    }

    /** A copy as the conflict store keeps it (see {@link RowCopy}). */
    String json(RowState row) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < pair.columns().size(); i++) {
            if (!row.dead() || pair.columns().get(i).key()) {
                values.put(pair.columns().get(i).nameA().toLowerCase(java.util.Locale.ROOT),
                        Values.toText(row.values()[i]));
            }
        }
        return new RowCopy(values, row.dead(), row.version(), row.origin(), row.site(), row.changedAt()).toJson();
    }

    /** A short, typeable id that both sites derive alike from the pair, the key and both versions. */
    private String conflictId(String siteA, String siteB, RowKey key, RowState rowA, RowState rowB, String kind) {
        String basis = String.join("\u0000", siteA, siteB, pair.name(), key.json(),
                state(rowA), state(rowB)) + (Conflict.REJECTED.equals(kind) ? "\u0000" + kind : "");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                id.append(ID_ALPHABET[(hash[i] & 0xff) % ID_ALPHABET.length]);
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String state(RowState row) {
        return (row.dead() ? "D" : "L") + row.version() + "/" + row.origin();
    }
}
