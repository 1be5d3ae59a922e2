package org.dovetail.core.table;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The names of the {@code dv_} bookkeeping columns and companion objects, in the case a
 * database folds unquoted identifiers to (see docs/bookkeeping.md).
 */
public record Bookkeeping(String version, String origin, String site, String changedAt, String seq,
                          String from, String txid, String cols) {

    /** The reserved prefix of every bookkeeping name. */
    public static final String PREFIX = "dv_";

    public static Bookkeeping folded(UnaryOperator<String> fold) {
        return new Bookkeeping(fold.apply("dv_version"), fold.apply("dv_origin"), fold.apply("dv_site"),
                fold.apply("dv_changed_at"), fold.apply("dv_seq"), fold.apply("dv_from"), fold.apply("dv_txid"),
                fold.apply("dv_cols"));
    }

    /**
     * Every bookkeeping column name, including the PostgreSQL-only {@code dv_txid} and
     * {@code dv_cols} of tables under {@code merge: columns}.
     */
    public List<String> all() {
        return List.of(version, origin, site, changedAt, seq, from, txid, cols);
    }

    public static boolean isReserved(String columnName) {
        return columnName.toLowerCase(java.util.Locale.ROOT).startsWith(PREFIX);
    }
}
