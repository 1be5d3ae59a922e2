package org.dovetail.engine.sync;

/** Receives progress of a sync as it goes (the CLI draws a bar on a terminal). */
public interface SyncProgress {
    SyncProgress NONE = (table, rows) -> { };

    /**
     * Whether {@link #starting} should be told how many changes each pass will read: counting
     * them is an index range scan of its own, worth it only for a display.
     */
    default boolean wantsTotals() {
        return false;
    }

    /**
     * A pass of {@code table} begins: {@code push} (the first site's changes to the second) or
     * pull, with {@code changes} rows and tombstones changed since the pair last met (an upper
     * bound: some may turn out to be echoes or held). Called only when {@link #wantsTotals}.
     */
    default void starting(String table, boolean push, long changes) {
    }

    /** {@code rows} more changes of {@code table} were processed. */
    void processed(String table, long rows);
}
