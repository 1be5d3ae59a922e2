package org.dovetail.core.dialect.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.dovetail.core.capture.PairLock;

/**
 * A session-level advisory lock: needs no superuser, and PostgreSQL drops it the moment
 * the holder's connection ends, so a killed sync never leaves it behind.
 */
final class PostgresPairLock implements PairLock {
    private final Connection connection;
    private final long key;

    private PostgresPairLock(Connection connection, long key) {
        this.connection = connection;
        this.key = key;
    }

    static Optional<PairLock> tryTake(Connection connection, String pairKey) throws SQLException {
        long key = keyOf(pairKey);
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean taken = rs.getBoolean(1);
                connection.commit();
                return taken ? Optional.of(new PostgresPairLock(connection, key)) : Optional.empty();
            }
        }
    }

    private static long keyOf(String pairKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("dovetail pair " + pairKey)
                    .getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.execute();
            connection.commit();
        } catch (SQLException e) {
            // the lock ends with the connection, which the caller closes next
        }
    }
}
