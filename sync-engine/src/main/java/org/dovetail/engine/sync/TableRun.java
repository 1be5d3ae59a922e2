package org.dovetail.engine.sync;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.dovetail.conflicts.Conflict;
import org.dovetail.core.config.Policy;

/**
 * One table's sync between the two sites: runs its passes, tries again what was refused in
 * the run, and counts; what a key changed at both sides becomes is its {@link ConflictDecider}'s.
 */
final class TableRun {
    final TablePair pair;
    final SiteSession a;
    final SiteSession b;
    final boolean dryRun;
    final ConflictDecider decider;
    private final SyncProgress progress;
    private long pushed;
    private long pulled;

    TableRun(TablePair pair, SiteSession a, SiteSession b, Policy policy, String runId, boolean dryRun,
             SyncProgress progress, Set<String> resolvedElsewhere) {
        this.pair = pair;
        this.a = a;
        this.b = b;
        this.dryRun = dryRun;
        this.progress = progress;
        this.decider = new ConflictDecider(pair, a, b, policy, runId, dryRun, resolvedElsewhere);
    }

    TableOutcome run(boolean push, boolean pull) throws SQLException {
        pushed += push ? new Pass(this, true).run() : 0;
        pulled += pull ? new Pass(this, false).run() : 0;
        return outcome();
    }

    TableOutcome outcome() {
        return new TableOutcome(pair.name(), pushed, pulled, decider.conflicts(), decider.held(),
                pair.columnMerge() ? decider.merged() : null, null);
    }

    /** Whether changes were refused in this run and are waiting for another try. */
    boolean hasRefused() {
        return decider.hasRefused();
    }

    /**
     * Tries again the changes refused earlier in this run (a parent that has arrived since, a
     * child deleted since); those that apply now leave no record. Returns how many applied.
     */
    long retryRefused() throws SQLException {
        long applied = 0;
        for (boolean sourceIsA : new boolean[] {true, false}) {
            List<Conflict> records = decider.takeRefused(sourceIsA);
            if (records.isEmpty()) {
                continue;
            }
            long done = new Pass(this, sourceIsA).retry(records);
            applied += done;
            if (sourceIsA) {
                pushed += done;
            } else {
                pulled += done;
            }
        }
        return applied;
    }

    void progress(long rows) {
        progress.processed(pair.name(), rows);
    }

    boolean wantsTotals() {
        return progress.wantsTotals();
    }

    void starting(boolean sourceIsA, long changes) {
        progress.starting(pair.name(), sourceIsA, changes);
    }
}
