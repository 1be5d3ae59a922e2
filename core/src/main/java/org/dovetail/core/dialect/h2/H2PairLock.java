package org.dovetail.core.dialect.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.dovetail.core.capture.PairLock;

/**
 * A row lock on the pair's row of {@code DOVETAIL.PAIR_LOCK}, held by an open transaction
 * on a connection of its own; it ends when that connection or the process ends.
 */
final class H2PairLock implements PairLock {
    private final Connection connection;

    private H2PairLock(Connection connection) {
        this.connection = connection;
    }

    static Optional<PairLock> tryTake(Connection connection, String pairKey) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET LOCK_TIMEOUT 200");
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "MERGE INTO \"DOVETAIL\".\"PAIR_LOCK\" (\"PAIR_KEY\", \"HOLDER\") KEY (\"PAIR_KEY\") VALUES (?, ?)")) {
            ps.setString(1, pairKey);
            ps.setString(2, java.lang.management.ManagementFactory.getRuntimeMXBean().getName());
            ps.executeUpdate();
            return Optional.of(new H2PairLock(connection));
        } catch (SQLException e) {
            connection.rollback();
            if (e.getErrorCode() == org.h2.api.ErrorCode.LOCK_TIMEOUT_1
                    || e.getErrorCode() == org.h2.api.ErrorCode.DEADLOCK_1
                    || e.getErrorCode() == 90131 /* concurrent update */) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // closing the connection releases the lock too
        }
    }
}
