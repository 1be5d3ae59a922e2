package org.dovetail.sql.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code DV_TOMB_<table>} companion of one replicated table: where deleted keys are remembered. */
final class Tombstones {
    private final int keyCount;
    private final String take;
    private final String drop;
    private final String write;
    private final String lockLive;

    /** What a tombstone tells about a dead key's history. */
    record Dead(Long version, String origin) {
    }

    Tombstones(TableLayout layout) {
        keyCount = layout.keyNames().size();
        String table = quote(layout.schema()) + "." + quote("DV_TOMB_" + layout.table());
        List<String> keys = layout.keyNames().stream().map(Tombstones::quote).toList();
        String where = keys.stream().map(k -> k + " = ?").collect(Collectors.joining(" AND "));
        drop = "DELETE FROM " + table + " WHERE " + where;
        lockLive = "SELECT 1 FROM " + quote(layout.schema()) + "." + quote(layout.table()) + " WHERE " + where
                + " FOR UPDATE";
        take = "SELECT \"DV_VERSION\", \"DV_ORIGIN\" FROM OLD TABLE (" + drop + ")";
        write = "MERGE INTO " + table + " (" + String.join(", ", keys)
                + ", \"DV_VERSION\", \"DV_ORIGIN\", \"DV_SITE\", \"DV_CHANGED_AT\", \"DV_SEQ\", \"DV_FROM\")"
                + " KEY (" + String.join(", ", keys) + ") VALUES ("
                + String.join(", ", Collections.nCopies(keyCount + 5, "?")) + ", NULL)";
    }

    /**
     * Waits until no other transaction is deleting the key's row: locks it if it is alive, so a
     * deleter that has not committed (and whose tombstone is not visible yet) is waited for.
     */
    void awaitDeleter(Connection connection, Object[] key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(lockLive)) {
            bindKey(ps, key);
            ps.executeQuery().close();
        }
    }

    /** Removes the key's tombstone and returns what it said, or null when the key was not dead. */
    Dead take(Connection connection, Object[] key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(take)) {
            bindKey(ps, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Dead(rs.getObject(1, Long.class), rs.getString(2)) : null;
            }
        }
    }

    /** Removes the key's tombstone, if any. */
    void drop(Connection connection, Object[] key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(drop)) {
            bindKey(ps, key);
            ps.executeUpdate();
        }
    }

    /** Creates or replaces the key's tombstone; {@code DV_FROM} is NULL (a local change). */
    void write(Connection connection, Object[] key, long version, String origin, String site,
               OffsetDateTime changedAt, long seq) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(write)) {
            bindKey(ps, key);
            int i = keyCount;
            ps.setLong(++i, version);
            ps.setString(++i, origin);
            ps.setString(++i, site);
            ps.setObject(++i, changedAt);
            ps.setLong(++i, seq);
            ps.executeUpdate();
        }
    }

    private static void bindKey(PreparedStatement ps, Object[] key) throws SQLException {
        for (int i = 0; i < key.length; i++) {
            ps.setObject(i + 1, key[i]);
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
