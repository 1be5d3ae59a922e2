package org.dovetail.engine.sync;

/** Receives progress of a sync as it goes (the CLI draws a bar on a terminal). */
public interface SyncProgress {
    SyncProgress NONE = (table, rows) -> { };

    /** {@code rows} more changes of {@code table} were processed. */
    void processed(String table, long rows);
}
