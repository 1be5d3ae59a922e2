package org.dovetail.engine.sync;

import java.time.Duration;
import java.util.List;
import org.dovetail.core.ExitCode;

/**
 * The outcome of a {@code sync} run: per table counts, the run id logged at both sites,
 * the open conflicts left for the pair, and the time taken.
 */
public record SyncResult(String runId, String siteA, String siteB, boolean dryRun, List<TableOutcome> tables,
                         long openConflicts, Duration elapsed) {

    public long pushed() {
        return tables.stream().mapToLong(TableOutcome::pushed).sum();
    }

    public long pulled() {
        return tables.stream().mapToLong(TableOutcome::pulled).sum();
    }

    /** Whether a table of the run is under {@code merge: columns} (its lines count merges). */
    public boolean merging() {
        return tables.stream().anyMatch(t -> t.merged() != null);
    }

    /** Rows merged by column ({@code merge: columns}) in this run. */
    public long merged() {
        return tables.stream().mapToLong(t -> t.merged() == null ? 0 : t.merged()).sum();
    }

    public long conflicts() {
        return tables.stream().mapToLong(TableOutcome::conflicts).sum();
    }

    public boolean failed() {
        return tables.stream().anyMatch(TableOutcome::failed);
    }

    /** 1 if a table failed, else 0 for a dry run, else 3 if conflicts were recorded or are open, else 0. */
    public ExitCode exitCode() {
        if (failed()) {
            return ExitCode.FAILED;
        }
        if (dryRun) {
            return ExitCode.OK;
        }
        return conflicts() > 0 || openConflicts > 0 ? ExitCode.CONFLICTS : ExitCode.OK;
    }
}
