package org.dovetail.core.capture;

import java.util.Arrays;

/**
 * "Received from the peer up to here": every change at the peer with {@code dv_seq <= seq}
 * has been received, except those written by transactions that were still in flight when
 * the peer was read (PostgreSQL: the txid snapshot's in-progress list; empty elsewhere).
 */
public record Watermark(long seq, String snapshot) {

    public static final Watermark START = new Watermark(0, null);

    /** The in-progress transaction ids of the snapshot ({@code xmin:xmax:xip,...}); empty when none. */
    public long[] inFlight() {
        if (snapshot == null || snapshot.isBlank()) {
            return new long[0];
        }
        String[] parts = snapshot.split(":", -1);
        if (parts.length < 3 || parts[2].isBlank()) {
            return new long[0];
        }
        return Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).toArray();
    }

    /**
     * The snapshot's xmax: transactions numbered from here on were still running (or not yet
     * begun) when it was taken, and are not listed among the in-flight ones; empty without a snapshot.
     */
    public java.util.OptionalLong notYetCompleted() {
        if (snapshot == null || snapshot.isBlank()) {
            return java.util.OptionalLong.empty();
        }
        String[] parts = snapshot.split(":", -1);
        return parts.length < 2 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(Long.parseLong(parts[1]));
    }

    /** Whether a row version with this seq and writing transaction has already been received. */
    public boolean covers(long rowSeq, Long rowTxid) {
        if (rowSeq > seq) {
            return false;
        }
        if (rowTxid == null) {
            return true;
        }
        long txid = rowTxid;
        if (notYetCompleted().isPresent() && txid >= notYetCompleted().getAsLong()) {
            return false;
        }
        return Arrays.stream(inFlight()).noneMatch(x -> x == txid);
    }

    /** The same snapshot, moved up to a higher seq (never down). */
    public Watermark advancedTo(long newSeq) {
        return new Watermark(Math.max(seq, newSeq), snapshot);
    }
}
