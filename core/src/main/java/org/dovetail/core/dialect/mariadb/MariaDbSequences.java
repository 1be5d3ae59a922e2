package org.dovetail.core.dialect.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.KeySlot;
import org.dovetail.core.dialect.SequenceFeed;
import org.dovetail.core.dialect.SequenceState;
import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.table.TableShape;

/**
 * A table's AUTO_INCREMENT column. InnoDB moves the counter past every value written into the
 * column, the sync's explicit keys included, at once and for good (also when the transaction
 * rolls back; kept across restarts since MariaDB 10.2.4): so following the received values
 * needs no statement, and none is run (an ALTER TABLE would commit the sync's transaction).
 * Key slots ({@code keys: {step, slot}}) are refused: auto_increment_increment and _offset are
 * settings of the server or the session, not of a table.
 */
final class MariaDbSequences implements Sequences {

    @Override
    public List<SequenceFeed> feeds(Connection connection, TableShape table) throws SQLException {
        List<SequenceFeed> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND extra LIKE '%auto_increment%'")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(SequenceFeed.identity(table.schema(), table.name(), rs.getString(1)));
                }
            }
        }
        return out;
    }

    @Override
    public SequenceState state(Connection connection, SequenceFeed feed) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT auto_increment FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, feed.tableSchema());
            ps.setString(2, feed.table());
            try (ResultSet rs = ps.executeQuery()) {
                long next = rs.next() ? rs.getLong(1) : 1;
                return new SequenceState(next, 1);
            }
        }
    }

    /** Nothing to do: the values the sync wrote moved the counter already (see the class comment). */
    @Override
    public void moveTo(Connection connection, SequenceFeed feed, long next) {
    }

    @Override
    public List<String> restartSql(SequenceFeed feed, KeySlot slot, long start) {
        throw DovetailException.usage("keys.step and slot cannot be kept at a MariaDB site: auto_increment_increment"
                + " and auto_increment_offset are settings of the server, not of " + feed.tableSchema() + "."
                + feed.table() + " (remove the site's slot, or give the column no AUTO_INCREMENT)");
    }
}
