package org.dovetail.engine.sync;

/** What a received change does at the target, given the target's current state of the key. */
enum WriteOp {
    /** a row new to the target */
    INSERT("I"),
    /** brings a deleted key back: its tombstone goes, the row comes */
    REINSERT("R"),
    /** new values for a live row */
    UPDATE("U"),
    /** deletes a live row and leaves its tombstone */
    DELETE("D"),
    /**
     * a tombstone for a key the target never had: kept, so a concurrent insert elsewhere still
     * meets the delete (a conflict) and a later re-insert continues the key's history
     */
    TOMB("T"),
    /** newer bookkeeping for a tombstone the target has */
    RETOMB("B");

    private final String code;

    WriteOp(String code) {
        this.code = code;
    }

    /** The one-letter code a staged change carries. */
    String code() {
        return code;
    }

    /** The write that makes the target's state of the key ({@code there}, null: none) equal to {@code change}. */
    static WriteOp of(RowState change, RowState there) {
        if (!change.dead()) {
            return there == null ? INSERT : there.dead() ? REINSERT : UPDATE;
        }
        if (there != null && !there.dead()) {
            return DELETE;
        }
        return there != null ? RETOMB : TOMB;
    }
}
