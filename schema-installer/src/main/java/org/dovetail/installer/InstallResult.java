package org.dovetail.installer;

import java.time.Duration;
import java.util.List;

/**
 * What {@code install} did at a site: per table, whether it was new and how many rows were
 * backfilled; the site's key slot (null without {@code keys:}) and how many sequences were put in it.
 */
public record InstallResult(String site, int migrationsApplied, List<TableInstall> tables, String keySlot,
                            int sequencesSlotted, Duration elapsed) {

    /** One table's install. */
    public record TableInstall(String table, boolean alreadyInstalled, long rowsBackfilled) {
    }
}
