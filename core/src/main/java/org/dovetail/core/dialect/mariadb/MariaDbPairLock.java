package org.dovetail.core.dialect.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.dovetail.core.capture.PairLock;

/**
 * A named user lock ({@code GET_LOCK}): needs no rights, and the server releases it the moment
 * the holding connection ends, so a killed sync never leaves it behind. The name hashes the
 * site's metadata database with the pair, as sites on one server share the lock namespace.
 */
final class MariaDbPairLock implements PairLock {
    private final Connection connection;
    private final String name;

    private MariaDbPairLock(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    static Optional<PairLock> tryTake(Connection connection, String meta, String pairKey) throws SQLException {
        String name = "dovetail_pair_" + MariaDbNames.hash(meta + "\n" + pairKey).substring(0, 40);
        try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean taken = rs.getInt(1) == 1;
                connection.commit();
                return taken ? Optional.of(new MariaDbPairLock(connection, name)) : Optional.empty();
            }
        }
    }

    @Override
    public void close() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, name);
            ps.execute();
            connection.commit();
        } catch (SQLException e) {
            // the lock ends with the connection, which the caller closes next
        }
    }
}
