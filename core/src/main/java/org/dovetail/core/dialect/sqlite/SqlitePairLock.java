package org.dovetail.core.dialect.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.dovetail.core.capture.PairLock;

/**
 * The pair lock at a SQLite site: an operating-system lock on one byte (chosen by the pair) of
 * the file {@code <database>-dovetail.lock} beside the database. SQLite has no advisory locks
 * and no lock a connection could hold without blocking the application's writers; a file lock
 * blocks nobody else and dies with the process that holds it, whatever kills it.
 */
final class SqlitePairLock implements PairLock {
    /** The lock file's suffix, after the database file's name. */
    static final String SUFFIX = "-dovetail.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private SqlitePairLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static Optional<PairLock> tryTake(Connection connection, String pairKey) throws SQLException {
        Path file = Path.of(databaseFile(connection) + SUFFIX);
        long position = Integer.toUnsignedLong(
                java.util.Arrays.hashCode(pairKey.getBytes(StandardCharsets.UTF_8))) & 0x3fff_ffffL;
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock(position, 1, false);
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new SqlitePairLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            close(channel); // held by another sync of this process
            return Optional.empty();
        } catch (IOException e) {
            close(channel);
            throw new SQLException("cannot take the pair lock in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The main database's file, as SQLite opened it. */
    private static String databaseFile(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA database_list")) {
            while (rs.next()) {
                if ("main".equals(rs.getString("name"))) {
                    String file = rs.getString("file");
                    if (!connection.getAutoCommit()) {
                        connection.commit();
                    }
                    if (file == null || file.isEmpty()) {
                        throw new SQLException("a SQLite site must be a database file, not an in-memory database");
                    }
                    return file;
                }
            }
        }
        throw new SQLException("SQLite reports no main database");
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }
}
