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
final class ChangeReader<T> implements AutoCloseable {
    private static final List<Object> END = List.of();

    /** Reads a pass's changes in order and hands each to a {@link Batcher}. */
    private interface Producer<T> {
        void produce(Batcher<T> out) throws SQLException, InterruptedException;
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    private final int rows;
    private final long bytes;
    private Thread thread;
    private volatile PreparedStatement statement;
    private boolean ended;

    /**
     * The changes as decoded rows.
     *
     * @param connection the source's read connection, used by nothing else until {@link #close}
     * @param sql        the changes query
     * @param side       decodes its rows
     * @param rows       a batch's most rows
     * @param bytes      a batch's most bytes (estimated)
     */
    static ChangeReader<RowState> rows(Connection connection, String sql, SideTable side, int rows, long bytes) {
        ChangeReader<RowState> reader = new ChangeReader<>(rows, bytes);
        reader.start(out -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                reader.statement = ps;
                ps.setFetchSize(Math.min(rows, 2000));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RowState change = side.read(rs, true, false);
                        out.add(change, RowSize.estimate(change));
                    }
                }
            }
        });
        return reader;
    }

    /** The changes as the source's copy text (see {@link RawRows}). */
    static ChangeReader<RawRows.Line> lines(Connection connection, org.dovetail.core.dialect.BulkCopy copy,
                                            String sql, RawRows raw, int rows, long bytes) {
        ChangeReader<RawRows.Line> reader = new ChangeReader<>(rows, bytes);
        reader.start(out -> copy.copyOut(connection, sql, line -> out.add(raw.split(line), line.length)));
        return reader;
    }

    private ChangeReader(int rows, long bytes) {
        this.rows = rows;
        this.bytes = bytes;
    }

    private void start(Producer<T> producer) {
        thread = new Thread(() -> read(producer), "dovetail-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Cuts the changes into batches of at most {@code rows} rows and about {@code bytes} bytes. */
    private static final class Batcher<U> {
        private final BlockingQueue<Object> queue;
        private final int rows;
        private final long bytes;
        private List<U> batch = new ArrayList<>();
        private long size;

        Batcher(BlockingQueue<Object> queue, int rows, long bytes) {
            this.queue = queue;
            this.rows = rows;
            this.bytes = bytes;
        }

        void add(U change, long estimate) throws InterruptedException {
            batch.add(change);
            size += estimate;
            if (batch.size() >= rows || size >= bytes) {
                flush();
            }
        }

        void flush() throws InterruptedException {
            if (!batch.isEmpty()) {
                queue.put(batch);
                batch = new ArrayList<>();
                size = 0;
            }
        }
    }

    private void read(Producer<T> producer) {
        try {
            Batcher<T> out = new Batcher<>(queue, rows, bytes);
            producer.produce(out);
            out.flush();
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
    List<T> next() throws SQLException {
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
        return (List<T>) item;
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
