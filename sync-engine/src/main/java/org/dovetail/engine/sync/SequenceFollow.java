package org.dovetail.engine.sync;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.dovetail.core.dialect.SequenceFeed;
import org.dovetail.core.dialect.SequenceState;
import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.site.SqlErrors;

/**
 * Moves the target's sequences past the values one pass writes there: rows 1..2 copied into an
 * empty site must not leave its bigserial at 1, or the application's next INSERT there fails
 * with a duplicate key. The target's fed columns are looked up once per pass, at its first
 * batch; each batch then costs a maximum per fed column in Java, and a sequence is read and
 * moved only when the batch went past what it is known to hand out next. A dry run moves
 * nothing (a sequence does not roll back).
 */
final class SequenceFollow {
    private final SiteSession target;
    private final TablePair pair;
    private final boolean targetIsA;
    private final boolean dryRun;
    /** Null until the first batch looked them up. */
    private List<Fed> fed;

    /** One fed column: its place in the pair's column order and a value its generator is known to have reached. */
    private static final class Fed {
        final int index;
        final SequenceFeed feed;
        long reached = Long.MIN_VALUE;

        Fed(int index, SequenceFeed feed) {
            this.index = index;
            this.feed = feed;
        }
    }

    SequenceFollow(SiteSession target, TablePair pair, boolean targetIsA, boolean dryRun) {
        this.target = target;
        this.pair = pair;
        this.targetIsA = targetIsA;
        this.dryRun = dryRun;
    }

    /** After a batch's writes, in its transaction: moves each generator past the batch's largest value of its column. */
    void advance(Connection connection, List<RowState> changes) throws SQLException {
        advance(connection, index -> largest(changes, index));
    }

    /** The same, given the largest whole number a batch holds in each column (by its place in the pair). */
    void advance(Connection connection, java.util.function.IntFunction<OptionalLong> largestOf) throws SQLException {
        if (dryRun) {
            return;
        }
        Sequences sequences = target.dialect.sequences();
        if (fed == null) {
            fed = lookUp(connection, sequences);
        }
        for (Fed f : fed) {
            OptionalLong largest = largestOf.apply(f.index);
            if (largest.isEmpty() || largest.getAsLong() < f.reached) {
                continue;
            }
            try {
                SequenceState state = sequences.state(connection, f.feed);
                f.reached = Math.max(f.reached, state.next());
                OptionalLong next = state.movedPast(largest.getAsLong());
                if (next.isPresent()) {
                    sequences.moveTo(connection, f.feed, next.getAsLong());
                    f.reached = next.getAsLong();
                }
            } catch (SQLException e) {
                throw new SQLException(f.feed + " at site " + target.name() + " could not move past "
                        + largest.getAsLong() + ": " + SqlErrors.describe(e), e.getSQLState(), e);
            }
        }
    }

    private List<Fed> lookUp(Connection connection, Sequences sequences) throws SQLException {
        List<Fed> found = new ArrayList<>();
        for (SequenceFeed feed : sequences.feeds(connection, pair.shape(targetIsA))) {
            for (int i = 0; i < pair.columns().size(); i++) {
                if (pair.columns().get(i).name(targetIsA).equals(feed.column())) {
                    found.add(new Fed(i, feed));
                }
            }
        }
        return found;
    }

    /** The largest whole number among the changes' values of a column (a deleted row's key included). */
    private static OptionalLong largest(List<RowState> changes, int index) {
        long max = Long.MIN_VALUE;
        boolean any = false;
        for (RowState change : changes) {
            Object value = change.values()[index];
            if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                max = Math.max(max, ((Number) value).longValue());
                any = true;
            } else if (value instanceof BigDecimal d) {
                try {
                    max = Math.max(max, d.longValueExact());
                    any = true;
                } catch (ArithmeticException notWhole) {
                    // a fraction or beyond a long: no sequence handed it out
                }
            }
        }
        return any ? OptionalLong.of(max) : OptionalLong.empty();
    }
}
