package org.dovetail.core.dialect.postgres;

import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.dialect.SequenceFeed;
import org.dovetail.core.dialect.SequenceState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.config.KeySlot;
import org.dovetail.core.table.TableShape;

/**
 * PostgreSQL's sequences behind serial and identity columns and {@code DEFAULT nextval(...)},
 * found through the catalog's dependencies, moved with {@code setval}.
 */
final class PostgresSequences implements Sequences {
    /**
     * An identity column's sequence depends on the column (deptype {@code i}); a default that
     * calls nextval, serial's included, depends on its sequence whatever expression holds the call.
     */
    private static final String FEEDS = """
            SELECT a.attname, n.nspname, s.relname
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                 AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i'
            JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
            JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace
            WHERE a.attrelid = CAST(? AS pg_catalog.regclass)
            UNION
            SELECT a.attname, n.nspname, s.relname
            FROM pg_catalog.pg_attrdef ad
            JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
                 AND d.objid = ad.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
            JOIN pg_catalog.pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
            JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace
            WHERE ad.adrelid = CAST(? AS pg_catalog.regclass)
            ORDER BY 1, 2, 3""";

    @Override
    public List<SequenceFeed> feeds(Connection connection, TableShape table) throws SQLException {
        String relation = PostgresNames.quote(table.schema(), table.name());
        List<SequenceFeed> feeds = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(FEEDS)) {
            ps.setString(1, relation);
            ps.setString(2, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    feeds.add(new SequenceFeed(table.schema(), table.name(), rs.getString(1), rs.getString(2),
                            rs.getString(3)));
                }
            }
        }
        return feeds;
    }

    /** The sequence's own row is read as it is now, not as the transaction's snapshot saw it. */
    @Override
    public SequenceState state(Connection connection, SequenceFeed feed) throws SQLException {
        String sql = "SELECT CASE WHEN s.is_called THEN s.last_value + q.seqincrement ELSE s.last_value END,"
                + " q.seqincrement FROM " + quoted(feed) + " s, pg_catalog.pg_sequence q"
                + " WHERE q.seqrelid = CAST(? AS pg_catalog.regclass)";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, quoted(feed));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new SequenceState(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /**
     * One statement reads the sequence's row and calls setval only when its next value is still
     * below {@code next}: an application's nextval in between moves it forward, never back.
     */
    @Override
    public void moveTo(Connection connection, SequenceFeed feed, long next) throws SQLException {
        String sql = "SELECT pg_catalog.setval(CAST(? AS pg_catalog.regclass), ?, false) FROM " + quoted(feed) + " s,"
                + " pg_catalog.pg_sequence q WHERE q.seqrelid = CAST(? AS pg_catalog.regclass)"
                + " AND CASE WHEN s.is_called THEN s.last_value + q.seqincrement ELSE s.last_value END < ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, quoted(feed));
            ps.setLong(2, next);
            ps.setString(3, quoted(feed));
            ps.setLong(4, next);
            ps.executeQuery().close();
        }
    }

    @Override
    public List<String> restartSql(SequenceFeed feed, KeySlot slot, long start) {
        return List.of("ALTER SEQUENCE " + quoted(feed) + " INCREMENT BY " + slot.step() + " RESTART WITH " + start);
    }

    private static String quoted(SequenceFeed feed) {
        return PostgresNames.quote(feed.schema(), feed.sequence());
    }
}
