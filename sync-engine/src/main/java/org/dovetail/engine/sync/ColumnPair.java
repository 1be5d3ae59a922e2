package org.dovetail.engine.sync;

import org.dovetail.core.row.ValueKind;

/**
 * One user column as each site names it, with the kind of value both carry, and whether each
 * site's database computes it (a generated column: read and compared, never written).
 */
record ColumnPair(String nameA, String nameB, ValueKind kind, boolean key, boolean generatedA, boolean generatedB) {

    String name(boolean sideA) {
        return sideA ? nameA : nameB;
    }

    /** Whether a write at that site sets the column (it is not generated there). */
    boolean written(boolean sideA) {
        return !(sideA ? generatedA : generatedB);
    }
}
