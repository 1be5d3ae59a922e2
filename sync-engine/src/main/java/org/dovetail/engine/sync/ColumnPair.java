package org.dovetail.engine.sync;

import org.dovetail.core.row.ValueKind;

/** One user column as each site names it, with the kind of value both carry. */
record ColumnPair(String nameA, String nameB, ValueKind kind, boolean key) {

    String name(boolean sideA) {
        return sideA ? nameA : nameB;
    }
}
