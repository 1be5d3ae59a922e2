package org.dovetail.engine.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.BitSet;
import java.util.Map;
import org.dovetail.core.capture.Watermark;

/**
 * Which columns of a row one site changed since the pair last met, read from the row's
 * {@code dv_cols} (docs/bookkeeping.md, "Column changes"): a column whose last change the peer
 * has not received, unless the peer sent that value itself. A column without an entry counts as
 * changed in the row's last write.
 */
final class ColumnChanges {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> ENTRIES = new TypeReference<>() { };

    private ColumnChanges() {
    }

    /**
     * The indexes (in {@link TablePair} order) of the non-key columns that {@code row}'s site
     * changed and its peer has not got: entries not covered by {@code peerHas} (what the peer
     * has received of this site) and not received from {@code peer}.
     */
    static BitSet changed(TablePair pair, boolean sideA, RowState row, Watermark peerHas, String peer) {
        Map<String, String> entries = entries(row.cols());
        BitSet changed = new BitSet();
        for (int i = 0; i < pair.columns().size(); i++) {
            ColumnPair column = pair.columns().get(i);
            if (column.key()) {
                continue;
            }
            String entry = entries.get(column.name(sideA));
            try {
                boolean received = entry == null ? peer.equals(row.from()) : peer.equals(from(entry));
                boolean covered = entry == null ? peerHas.covers(row.seq(), row.txid())
                        : peerHas.covers(seq(entry), txid(entry));
                if (!received && !covered) {
                    changed.set(i);
                }
            } catch (NumberFormatException e) {
                changed.set(i); // an entry not written by the triggers: changed, which never loses an edit
            }
        }
        return changed;
    }

    private static Map<String, String> entries(String cols) {
        if (cols == null || cols.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> entries = JSON.readValue(cols, ENTRIES);
            return entries == null ? Map.of() : entries;
        } catch (JsonProcessingException e) {
            return Map.of(); // unreadable: every column counts as changed, which never loses an edit
        }
    }

    /** {@code SEQ} of {@code SEQ[:TXID][@FROM]}. */
    static long seq(String entry) {
        String numbers = numbers(entry);
        int colon = numbers.indexOf(':');
        return Long.parseLong(colon < 0 ? numbers : numbers.substring(0, colon));
    }

    /** {@code TXID} of {@code SEQ[:TXID][@FROM]}, null without one. */
    static Long txid(String entry) {
        String numbers = numbers(entry);
        int colon = numbers.indexOf(':');
        return colon < 0 ? null : Long.valueOf(numbers.substring(colon + 1));
    }

    /** {@code FROM} of {@code SEQ[:TXID][@FROM]}, null for a change made at the site. */
    static String from(String entry) {
        int at = entry.indexOf('@');
        return at < 0 ? null : entry.substring(at + 1);
    }

    private static String numbers(String entry) {
        int at = entry.indexOf('@');
        return at < 0 ? entry : entry.substring(0, at);
    }
}
