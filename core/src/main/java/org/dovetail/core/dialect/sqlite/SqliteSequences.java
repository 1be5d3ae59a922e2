package org.dovetail.core.dialect.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.KeySlot;
import org.dovetail.core.dialect.SequenceFeed;
import org.dovetail.core.dialect.SequenceState;
import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.table.TableShape;

/**
 * SQLite's one generator per table: an {@code INTEGER PRIMARY KEY} (the rowid) hands out one
 * more than the largest key in the table, with {@code AUTOINCREMENT} also more than any key it
 * ever held ({@code sqlite_sequence}). Both follow the keys the sync writes by themselves;
 * {@link #moveTo} only keeps {@code sqlite_sequence} from lagging. Key slots cannot be honoured:
 * SQLite has no increment to set.
 */
final class SqliteSequences implements Sequences {

    @Override
    public List<SequenceFeed> feeds(Connection connection, TableShape table) throws SQLException {
        List<String> keys = new ArrayList<>();
        String type = null;
        try (PreparedStatement ps = connection.prepareStatement("SELECT name, type FROM pragma_table_info(?) WHERE pk > 0")) {
            ps.setString(1, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                    type = rs.getString(2);
                }
            }
        }
        boolean rowid = keys.size() == 1 && "INTEGER".equals(type == null ? null : type.strip().toUpperCase(Locale.ROOT));
        return rowid ? List.of(SequenceFeed.identity(table.schema(), table.name(), keys.get(0))) : List.of();
    }

    @Override
    public SequenceState state(Connection connection, SequenceFeed feed) throws SQLException {
        long largest = 0;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(" + SqliteDialect.quote(feed.column()) + ") FROM "
                     + SqliteDialect.quote(feed.table()))) {
            rs.next();
            largest = rs.getLong(1);
        }
        return new SequenceState(Math.max(largest, sequenceValue(connection, feed)) + 1, 1);
    }

    private static long sequenceValue(Connection connection, SequenceFeed feed) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return 0;
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = ?")) {
            ps.setString(1, feed.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Raises sqlite_sequence of an AUTOINCREMENT table; a plain rowid needs nothing. */
    @Override
    public void moveTo(Connection connection, SequenceFeed feed, long next) throws SQLException {
        if (sequenceValue(connection, feed) == 0) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?")) {
            ps.setLong(1, next - 1);
            ps.setString(2, feed.table());
            ps.setLong(3, next - 1);
            ps.executeUpdate();
        }
    }

    @Override
    public List<String> restartSql(SequenceFeed feed, KeySlot slot, long start) {
        throw DovetailException.usage("keys: {step, slot} cannot be honoured at a SQLite site: its key column "
                + feed.table() + "." + feed.column() + " (INTEGER PRIMARY KEY) always takes the largest key + 1;"
                + " leave keys: out, or let the application choose keys in its slot");
    }
}
