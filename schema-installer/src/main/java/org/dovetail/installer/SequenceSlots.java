package org.dovetail.installer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.dovetail.core.config.KeySlot;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.dialect.SequenceFeed;
import org.dovetail.core.dialect.SequenceState;
import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.table.TableShape;
import org.jooq.impl.DSL;

/**
 * Gives a site its key slot ({@code keys.step}, {@code sites.NAME.slot}): every generator that
 * feeds a column of a replicated table then hands out only values congruent to the slot modulo
 * the step, from the first one above the largest value of its columns and above what it would
 * have handed out next, so that sites inserting while apart never pick the same key. One plan,
 * run by install and printed by {@code install --print-sql}.
 */
final class SequenceSlots {
    private final Connection connection;
    private final Dialect dialect;
    private final Optional<KeySlot> slot;

    SequenceSlots(Connection connection, Dialect dialect, Optional<KeySlot> slot) {
        this.connection = connection;
        this.dialect = dialect;
        this.slot = slot;
    }

    /** The slot, when the configuration has one. */
    Optional<KeySlot> slot() {
        return slot;
    }

    /**
     * The statements that put the tables' generators into the slot; none for a generator
     * already in it (so a re-run changes nothing), and none at all without {@code keys:}.
     */
    List<String> statements(List<TableShape> tables) throws SQLException {
        if (slot.isEmpty()) {
            return List.of();
        }
        Sequences sequences = dialect.sequences();
        List<SequenceFeed> feeds = new ArrayList<>();
        List<OptionalLong> largest = new ArrayList<>();
        for (TableShape table : tables) {
            for (SequenceFeed feed : sequences.feeds(connection, table)) {
                feeds.add(feed);
                largest.add(largest(table, feed.column()));
            }
        }
        List<String> sql = new ArrayList<>();
        for (int i = 0; i < feeds.size(); i++) {
            if (firstOf(feeds, i)) {
                sql.addAll(restart(sequences, feeds, largest, i));
            }
        }
        return sql;
    }

    private List<String> restart(Sequences sequences, List<SequenceFeed> feeds, List<OptionalLong> largest, int first)
            throws SQLException {
        SequenceFeed feed = feeds.get(first);
        SequenceState state = sequences.state(connection, feed);
        long above = state.next() - 1;
        boolean columnsBelow = true;
        for (int i = first; i < feeds.size(); i++) {
            if (feeds.get(i).sameGenerator(feed) && largest.get(i).isPresent()) {
                above = Math.max(above, largest.get(i).getAsLong());
                columnsBelow &= largest.get(i).getAsLong() < state.next();
            }
        }
        KeySlot keySlot = slot.orElseThrow();
        if (state.keeps(keySlot) && columnsBelow) {
            return List.of();
        }
        OptionalLong start = keySlot.firstAbove(above);
        return start.isEmpty() ? List.of() : sequences.restartSql(feed, keySlot, start.getAsLong());
    }

    private static boolean firstOf(List<SequenceFeed> feeds, int index) {
        for (int i = 0; i < index; i++) {
            if (feeds.get(i).sameGenerator(feeds.get(index))) {
                return false;
            }
        }
        return true;
    }

    /** The column's largest value, when it holds whole numbers. */
    private OptionalLong largest(TableShape table, String column) {
        Object max = Dsl.of(connection, dialect).select(DSL.max(DSL.field(DSL.name(column))))
                .from(DSL.table(DSL.name(table.schema(), table.name()))).fetchOne(0);
        return max instanceof Number n && !(max instanceof Double || max instanceof Float)
                ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
    }
}
