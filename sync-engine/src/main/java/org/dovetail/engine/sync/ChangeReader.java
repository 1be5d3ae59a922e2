package org.dovetail.engine.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Streams a pass's changes from the source on a thread of its own, cut into batches, one
 * batch ahead of the writes at the target: reading and decoding at the source overlap with
 * writing at the target. At most two batches wait, so memory stays bounded.
 */
final class ChangeReader implements AutoCloseable {
    private static final List<RowState> END = List.of();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    private final Thread thread;
    private volatile PreparedStatement statement;
    private boolean ended;

    /**
     * @param connection the source's read connection, used by nothing else until {@link #close}
     * @param sql        the changes query
     * @param side       decodes its rows
     * @param rows       a batch's most rows
     * @param bytes      a batch's most bytes (estimated)
     */
    ChangeReader(Connection connection, String sql, SideTable side, int rows, long bytes) {
        thread = new Thread(() -> read(connection, sql, side, rows, bytes), "dovetail-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void read(Connection connection, String sql, SideTable side, int rows, long bytes) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            statement = ps;
            ps.setFetchSize(Math.min(rows, 2000));
            try (ResultSet rs = ps.executeQuery()) {
                List<RowState> batch = new ArrayList<>();
                long size = 0;
                while (rs.next()) {
                    RowState change = side.read(rs, true, false);
                    batch.add(change);
                    size += RowSize.estimate(change);
                    if (batch.size() >= rows || size >= bytes) {
                        queue.put(batch);
                        batch = new ArrayList<>();
                        size = 0;
                    }
                }
                if (!batch.isEmpty()) {
                    queue.put(batch);
                }
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            try {
                queue.put(e);
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The next batch of changes in seq order, or null after the last. */
    @SuppressWarnings("unchecked")
    List<RowState> next() throws SQLException {
        if (ended) {
            return null;
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reading changes", "57014", e);
        }
        if (item instanceof SQLException e) {
            ended = true;
            throw e;
        }
        if (item instanceof RuntimeException e) {
            ended = true;
            throw e;
        }
        if (item == END) {
            ended = true;
            return null;
        }
        return (List<RowState>) item;
    }

    /** Stops the reader (cancelling its query when it is still running) and waits for it. */
    @Override
    public void close() throws SQLException {
        if (thread.isAlive()) {
            PreparedStatement ps = statement;
            if (ps != null) {
                try {
                    ps.cancel();
                } catch (SQLException ignored) {
                    // the statement ended meanwhile
                }
            }
            thread.interrupt();
            queue.clear();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
