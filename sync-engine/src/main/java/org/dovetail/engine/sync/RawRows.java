package org.dovetail.engine.sync;

import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import org.dovetail.core.dialect.BulkCopy;

/**
 * One batch of changes as the source's copy text, for a copy into an empty target of the same
 * database kind ({@link BulkCopy#passesTo}): the lines of the changes query ({@link ChangeSql#changesSince}:
 * dv_dead, the user columns in the pair's order, then version, origin, site, change time, seq, from,
 * txid, cols), each split at its tabs once. Rows pass to the target as their fields' bytes; only
 * the dead flag, the seq and the values of sequence-fed columns are ever read.
 */
final class RawRows {
    /** One line and where each of its fields starts (the end of field i is starts[i + 1] - 1). */
    record Line(byte[] bytes, int[] starts) {
        boolean dead() {
            return bytes[starts[0]] == '1';
        }

        /** A field holding a plain whole number (NULL or anything else: empty). */
        OptionalLong number(int field) {
            int from = starts[field];
            int to = starts[field + 1] - 1;
            if (to - from < 1 || to - from > 18) {
                return OptionalLong.empty();
            }
            long n = 0;
            boolean negative = bytes[from] == '-';
            for (int i = negative ? from + 1 : from; i < to; i++) {
                int digit = bytes[i] - '0';
                if (digit < 0 || digit > 9) {
                    return OptionalLong.empty();
                }
                n = n * 10 + digit;
            }
            return OptionalLong.of(negative ? -n : n);
        }
    }

    private final TablePair pair;
    private final boolean targetIsA;
    private final int users;
    private final byte[] from;

    /**
     * @param pair      the table
     * @param targetIsA which side the lines are copied to
     * @param from      the source site's name as the row's last field in copy text
     *                    ({@link BulkCopy#fields}), written as each row's dv_from
     */
    RawRows(TablePair pair, boolean targetIsA, byte[] from) {
        this.pair = pair;
        this.targetIsA = targetIsA;
        this.users = pair.columns().size();
        this.from = from;
    }

    /** Splits a line of the changes query at its tabs. */
    Line split(byte[] bytes) throws SQLException {
        int fields = users + 9;
        int[] starts = new int[fields + 1];
        int field = 1;
        for (int i = 0; i < bytes.length && field < fields; i++) {
            if (bytes[i] == '\t') {
                starts[field++] = i + 1;
            }
        }
        if (field != fields || bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
            throw new SQLException("a changed row of table " + pair.name() + " came with " + field
                    + " fields instead of " + fields);
        }
        starts[fields] = bytes.length;
        return new Line(bytes, starts);
    }

    /** The line's seq (dv_seq). */
    long seq(Line line) throws SQLException {
        return line.number(users + 5).orElseThrow(() -> new SQLException(
                "a changed row of table " + pair.name() + " came without its change number"));
    }

    /** The largest whole number in a user column (by its place in the pair) among the lines. */
    OptionalLong largest(List<Line> lines, int column) {
        long max = Long.MIN_VALUE;
        boolean any = false;
        for (Line line : lines) {
            OptionalLong n = line.number(column + 1);
            if (n.isPresent()) {
                max = Math.max(max, n.getAsLong());
                any = true;
            }
        }
        return any ? OptionalLong.of(max) : OptionalLong.empty();
    }

    /**
     * Writes the line as a received row in the order of {@link StageSql#rowColumns}: the user columns
     * the target writes, version, origin, site, change time, and the source as dv_from.
     */
    void writeRow(Line line, BulkCopy.Lines out) throws SQLException {
        byte[] bytes = line.bytes();
        int[] starts = line.starts();
        for (int c = 0; c < users; c++) {
            if (pair.columns().get(c).written(targetIsA)) {
                out.write(bytes, starts[c + 1], starts[c + 2] - starts[c + 1]);
            }
        }
        // version, origin, site and change time are fields users + 1 to users + 4, each with its tab
        out.write(bytes, starts[users + 1], starts[users + 5] - starts[users + 1]);
        out.write(from, 0, from.length);
    }
}
