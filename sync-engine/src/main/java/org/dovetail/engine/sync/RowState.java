package org.dovetail.engine.sync;

import java.time.OffsetDateTime;
import java.util.Arrays;
import org.dovetail.core.row.Values;

/**
 * A key's current state at one site: the row (values in {@link TablePair} column order) or
 * its tombstone (only key values), with its bookkeeping; {@code cols} is the row's
 * {@code dv_cols} (tables under {@code merge: columns}, else null), and {@code own} marks a row
 * the sync writes as a change of the target's own (a merge: {@code dv_from} NULL once written).
 */
record RowState(Object[] values, boolean dead, long version, String origin, String site,
                OffsetDateTime changedAt, long seq, String from, Long txid, String cols, boolean own) {

    RowState(Object[] values, boolean dead, long version, String origin, String site, OffsetDateTime changedAt,
             long seq, String from, Long txid) {
        this(values, dead, version, origin, site, changedAt, seq, from, txid, null, false);
    }

    /** A key the site has neither a row nor a tombstone of, as a conflict record shows it. */
    static RowState absent(Object[] key, int columns) {
        return new RowState(Arrays.copyOf(key, columns), true, 0, null, null, null, 0, null, null);
    }

    /** This state as the target holds it once written there, received from {@code from}. */
    RowState receivedFrom(String from) {
        return new RowState(values, dead, version, origin, site, changedAt, seq, own ? null : from, txid, cols, false);
    }

    RowKey key(int keyCount) {
        return new RowKey(Arrays.copyOf(values, keyCount));
    }

    /** Same user values (both alive) or both deleted. */
    boolean sameContent(RowState other) {
        if (dead || other.dead) {
            return dead && other.dead;
        }
        for (int i = 0; i < values.length; i++) {
            if (!Values.same(values[i], other.values[i])) {
                return false;
            }
        }
        return true;
    }

    /** Same content and the same place in the row's history (version and origin). */
    boolean sameVersion(RowState other) {
        return sameContent(other) && version == other.version && origin.equals(other.origin);
    }
}
