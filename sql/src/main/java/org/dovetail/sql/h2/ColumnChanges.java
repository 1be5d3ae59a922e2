package org.dovetail.sql.h2;

import java.sql.SQLException;
import org.h2.util.json.JSONObject;
import org.h2.util.json.JSONString;
import org.h2.util.json.JSONStringSource;
import org.h2.util.json.JSONStringTarget;
import org.h2.util.json.JSONValue;
import org.h2.util.json.JSONValueTarget;

/**
 * The {@code DV_COLS} of a row written by an UPDATE, for a table under {@code merge: columns}
 * (docs/bookkeeping.md, "Column changes"): per user column, when this site's copy last changed,
 * as a JSON object of column names to {@code "SEQ"} or {@code "SEQ@FROM"}. A changed column gets
 * the write's entry; any other keeps OLD's, or OLD's row-level one when OLD has none. The JSON is
 * read and written with H2's own JSON classes, so the trigger jar needs no other library.
 */
final class ColumnChanges {
    private ColumnChanges() {
    }

    /** The new {@code DV_COLS} of an UPDATE from {@code oldRow} to {@code newRow}, whose seq and from are set. */
    static String after(TableLayout layout, Object[] oldRow, Object[] newRow) throws SQLException {
        JSONObject before = parse((String) oldRow[layout.cols()]);
        String oldEntry = entry(oldRow[layout.seq()], oldRow[layout.from()]);
        String newEntry = entry(newRow[layout.seq()], newRow[layout.from()]);
        JSONStringTarget out = new JSONStringTarget();
        out.startObject();
        int[] user = layout.user();
        for (int i = 0; i < user.length; i++) {
            String name = layout.userNames().get(i);
            String value;
            if (!SameValue.test(oldRow[user[i]], newRow[user[i]])) {
                value = newEntry;
            } else {
                JSONValue kept = before == null ? null : before.getFirst(name);
                value = kept instanceof JSONString s ? s.getString() : oldEntry;
            }
            out.member(name);
            out.valueString(value);
        }
        out.endObject();
        return out.getResult();
    }

    private static JSONObject parse(String json) {
        if (json == null) {
            return null;
        }
        JSONValue value = JSONStringSource.parse(json, new JSONValueTarget());
        return value instanceof JSONObject o ? o : null;
    }

    /** {@code SEQ} or {@code SEQ@FROM}; a row never bookkept has no seq (its entries are then empty). */
    private static String entry(Object seq, Object from) {
        String s = seq == null ? "0" : seq.toString();
        return from == null ? s : s + "@" + from;
    }
}
