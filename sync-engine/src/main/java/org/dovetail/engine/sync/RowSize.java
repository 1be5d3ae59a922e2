package org.dovetail.engine.sync;

/** A rough size of a row in memory, so that batches of huge rows stay small. */
final class RowSize {
    private RowSize() {
    }

    static long estimate(RowState row) {
        long size = 128;
        for (Object v : row.values()) {
            if (v instanceof String s) {
                size += 2L * s.length();
            } else if (v instanceof byte[] b) {
                size += b.length;
            } else {
                size += 16;
            }
        }
        return size;
    }
}
