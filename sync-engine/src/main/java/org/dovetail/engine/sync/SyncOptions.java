package org.dovetail.engine.sync;

import java.util.List;

/**
 * What a {@code sync} run should do.
 *
 * @param siteA    the first site named on the command line
 * @param siteB    the second
 * @param push     copy A's changes to B
 * @param pull     copy B's changes to A
 * @param tables   configured table names to sync; empty for all
 * @param dryRun   report what would happen and change nothing
 * @param progress told about rows as they are processed (never null)
 */
public record SyncOptions(String siteA, String siteB, boolean push, boolean pull, List<String> tables,
                          boolean dryRun, SyncProgress progress) {

    public SyncOptions {
        tables = List.copyOf(tables);
        progress = progress == null ? SyncProgress.NONE : progress;
    }

    /** Both directions, all tables. */
    public static SyncOptions both(String siteA, String siteB) {
        return new SyncOptions(siteA, siteB, true, true, List.of(), false, SyncProgress.NONE);
    }
}
