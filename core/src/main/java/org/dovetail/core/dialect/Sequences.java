package org.dovetail.core.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.dovetail.core.config.KeySlot;
import org.dovetail.core.table.TableShape;

/**
 * The generators that feed a table's columns (serial, identity, a default taking the next value
 * of a sequence) and how to move them: after a sync wrote rows, so that the application's next
 * INSERT cannot pick a value received; at install, to give a site its key slot.
 */
public interface Sequences {

    /** The table's columns fed by a generator, each with its generator; catalog reads only. */
    List<SequenceFeed> feeds(Connection connection, TableShape table) throws SQLException;

    /** Where the generator stands now. */
    SequenceState state(Connection connection, SequenceFeed feed) throws SQLException;

    /**
     * Makes the generator hand out {@code next} next, unless it has reached it meanwhile (an
     * application took values): it never moves back. Takes effect at once, whatever becomes of
     * the connection's transaction; moving a generator forward is always safe.
     */
    void moveTo(Connection connection, SequenceFeed feed, long next) throws SQLException;

    /** The DDL that makes the generator hand out {@code start} next and then every {@code slot.step()}-th value. */
    List<String> restartSql(SequenceFeed feed, KeySlot slot, long start);
}
