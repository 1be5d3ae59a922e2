package org.dovetail.core.dialect.h2;

import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.dialect.SequenceFeed;
import org.dovetail.core.dialect.SequenceState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dovetail.core.config.KeySlot;
import org.dovetail.core.table.TableName;
import org.dovetail.core.table.TableShape;

/**
 * H2's identity columns (identity, serial, auto_increment) and sequences named by a column's
 * default, read from INFORMATION_SCHEMA and moved with {@code RESTART WITH}, which H2 applies at
 * once without committing the open transaction.
 */
final class H2Sequences implements Sequences {
    private static final String NAME = "(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    /** H2 keeps {@code NEXT VALUE FOR "S"."N"} as it stores it, and {@code NEXTVAL('...')} as written. */
    private static final Pattern NEXT_VALUE = Pattern.compile(
            "NEXT\\s+VALUE\\s+FOR\\s+(" + NAME + "(?:\\." + NAME + ")?)|NEXTVAL\\s*\\(\\s*'((?:[^']|'')+)'",
            Pattern.CASE_INSENSITIVE);
    private static final String COLUMNS = "SELECT COLUMN_NAME, IS_IDENTITY, COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND (IS_IDENTITY = 'YES' OR COLUMN_DEFAULT IS NOT NULL)"
            + " ORDER BY ORDINAL_POSITION";
    private static final String SEQUENCE = "SELECT BASE_VALUE, INCREMENT FROM INFORMATION_SCHEMA.SEQUENCES"
            + " WHERE SEQUENCE_SCHEMA = ? AND SEQUENCE_NAME = ?";
    private static final String IDENTITY = "SELECT IDENTITY_BASE, IDENTITY_INCREMENT FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?";

    private final H2Dialect dialect;

    H2Sequences(H2Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public List<SequenceFeed> feeds(Connection connection, TableShape table) throws SQLException {
        List<SequenceFeed> feeds = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String column = rs.getString(1);
                    if ("YES".equals(rs.getString(2))) {
                        feeds.add(SequenceFeed.identity(table.schema(), table.name(), column));
                    } else {
                        for (TableName sequence : sequencesIn(rs.getString(3))) {
                            String schema = sequence.schema() == null ? table.schema()
                                    : sequence.schemaQuoted() ? sequence.schema() : dialect.fold(sequence.schema());
                            String name = sequence.nameQuoted() ? sequence.name() : dialect.fold(sequence.name());
                            feeds.add(new SequenceFeed(table.schema(), table.name(), column, schema, name));
                        }
                    }
                }
            }
        }
        List<SequenceFeed> existing = new ArrayList<>();
        for (SequenceFeed feed : feeds) {
            if (feed.isIdentityColumn() || read(connection, feed) != null) {
                existing.add(feed);
            }
        }
        return existing;
    }

    private static List<TableName> sequencesIn(String columnDefault) {
        List<TableName> names = new ArrayList<>();
        Matcher m = NEXT_VALUE.matcher(columnDefault);
        while (m.find()) {
            names.add(TableName.parse(m.group(1) != null ? m.group(1) : m.group(4).replace("''", "'")));
        }
        return names;
    }

    @Override
    public SequenceState state(Connection connection, SequenceFeed feed) throws SQLException {
        SequenceState state = read(connection, feed);
        if (state == null) {
            throw new SQLException(feed + " not found");
        }
        return state;
    }

    private static SequenceState read(Connection connection, SequenceFeed feed) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(feed.isIdentityColumn() ? IDENTITY : SEQUENCE)) {
            ps.setString(1, feed.isIdentityColumn() ? feed.tableSchema() : feed.schema());
            ps.setString(2, feed.isIdentityColumn() ? feed.table() : feed.sequence());
            if (feed.isIdentityColumn()) {
                ps.setString(3, feed.column());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new SequenceState(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    /** H2 has no conditional restart: the state is read just before, and a later value is kept. */
    @Override
    public void moveTo(Connection connection, SequenceFeed feed, long next) throws SQLException {
        if (state(connection, feed).next() >= next) {
            return;
        }
        try (Statement s = connection.createStatement()) {
            s.execute(restart(feed) + " RESTART WITH " + next);
        }
    }

    @Override
    public List<String> restartSql(SequenceFeed feed, KeySlot slot, long start) {
        String increment = feed.isIdentityColumn() ? " SET INCREMENT BY " : " INCREMENT BY ";
        return List.of(restart(feed) + " RESTART WITH " + start + increment + slot.step());
    }

    private static String restart(SequenceFeed feed) {
        return feed.isIdentityColumn()
                ? "ALTER TABLE " + H2Scripts.quote(feed.tableSchema()) + "." + H2Scripts.quote(feed.table())
                        + " ALTER COLUMN " + H2Scripts.quote(feed.column())
                : "ALTER SEQUENCE " + H2Scripts.quote(feed.schema()) + "." + H2Scripts.quote(feed.sequence());
    }
}
