package org.dovetail.conflicts;

import java.time.OffsetDateTime;

/**
 * One recorded conflict, the same record at both sites of the pair. Rows are JSON objects
 * of column name to text value (bookkeeping included), null for a deleted row. A
 * {@code rejected} record also names the site that refused the other's change
 * ({@code refusedBy}) and why ({@code detail}: the constraint and the database's message).
 */
public record Conflict(String id, String table, String keyJson, String kind, String siteA, String siteB,
                       String rowA, String rowB, String winner, String status, String policy,
                       OffsetDateTime detectedAt, String runId, String resolvedBy, OffsetDateTime resolvedAt,
                       String kept, String refusedBy, String detail) {

    public static final String OPEN = "open";
    public static final String AUTO = "auto";
    public static final String RESOLVED = "resolved";
    /**
     * A row both sites changed in different columns, merged ({@code merge: columns}): kept for
     * audit with both copies, and the result in {@link #detail}.
     */
    public static final String MERGED = "merged";
    /** The kind of a received change the target database refused. */
    public static final String REJECTED = "rejected";

    public boolean rejected() {
        return REJECTED.equals(kind);
    }

    /** The site whose change was refused: the one that is not {@link #refusedBy}. */
    public String refusedFrom() {
        return siteA.equals(refusedBy) ? siteB : siteA;
    }
}
