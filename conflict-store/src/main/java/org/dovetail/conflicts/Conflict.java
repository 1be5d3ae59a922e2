package org.dovetail.conflicts;

import java.time.OffsetDateTime;

/**
 * One recorded conflict, the same record at both sites of the pair. Rows are JSON objects
 * of column name to text value (bookkeeping included), null for a deleted row.
 */
public record Conflict(String id, String table, String keyJson, String kind, String siteA, String siteB,
                       String rowA, String rowB, String winner, String status, String policy,
                       OffsetDateTime detectedAt, String runId, String resolvedBy, OffsetDateTime resolvedAt,
                       String kept) {

    public static final String OPEN = "open";
    public static final String AUTO = "auto";
    public static final String RESOLVED = "resolved";
}
