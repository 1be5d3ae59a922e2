package org.dovetail.installer.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DOVETAIL.SAFE_SEQ never answers at or above a change that may still commit: sequence
 * values are taken at write time but become visible at commit time.
 */
class H2WatermarkTest extends H2SiteTest {

    @BeforeEach
    void createItems() throws SQLException {
        exec(db, "CREATE TABLE ITEMS (ID INTEGER PRIMARY KEY, NAME VARCHAR(100), PRICE NUMERIC(10, 2))");
        install(H2TriggerTest.ITEMS);
    }

    static long safeSeq(Connection c) throws SQLException {
        return seqOf(c, "SELECT DOVETAIL.SAFE_SEQ()");
    }

    static long insert(Connection c, int id) throws SQLException {
        exec(c, "INSERT INTO ITEMS (ID, NAME) VALUES (" + id + ", 'item')");
        return seqOf(c, "SELECT DV_SEQ FROM ITEMS WHERE ID = " + id);
    }

    @Test
    void withNothingInFlightItIsTheLastSeqHandedOut() throws SQLException {
        long seq = insert(db, 1);

        long first = safeSeq(db);
        long second = safeSeq(db);

        assertThat(first).isGreaterThanOrEqualTo(seq);
        assertThat(second).isGreaterThanOrEqualTo(first);
        assertThat(insert(db, 2)).isGreaterThan(second);
    }

    @Test
    void interleavedTransactionsOfTwoSessionsGetDistinctRisingSeqs() throws SQLException {
        Connection a = connect();
        Connection b = connect();
        a.setAutoCommit(false);
        b.setAutoCommit(false);

        long a1 = insert(a, 1);
        long b1 = insert(b, 2);
        long a2 = insert(a, 3);
        exec(b, "UPDATE ITEMS SET NAME = 'changed' WHERE ID = 2");
        long b2 = seqOf(b, "SELECT DV_SEQ FROM ITEMS WHERE ID = 2");
        a.commit();
        b.commit();

        assertThat(List.of(a1, b1, a2, b2)).isSorted().doesNotHaveDuplicates();
        assertThat(rows(db, "SELECT DV_SEQ FROM ITEMS ORDER BY ID"))
                .extracting(r -> r.get("DV_SEQ")).containsExactly(a1, b2, a2);
    }

    @Test
    void itStaysBelowATransactionStillOpenAndPassesItAfterCommit() throws SQLException {
        long committed = insert(db, 1);
        Connection slow = connect();
        slow.setAutoCommit(false);
        long open = insert(slow, 2);
        long later = insert(connect(), 3);
        assertThat(later).isGreaterThan(open);

        long held = safeSeq(db);
        assertThat(held).isEqualTo(open - 1).isGreaterThanOrEqualTo(committed);
        exec(slow, "UPDATE ITEMS SET NAME = 'again' WHERE ID = 2");
        assertThat(safeSeq(db)).isEqualTo(open - 1);

        slow.commit();
        assertThat(safeSeq(db)).isGreaterThanOrEqualTo(later);
    }

    @Test
    void itPassesATransactionThatRollsBack() throws SQLException {
        Connection slow = connect();
        slow.setAutoCommit(false);
        long open = insert(slow, 1);
        long later = insert(db, 2);
        assertThat(safeSeq(db)).isEqualTo(open - 1);

        slow.rollback();

        assertThat(safeSeq(db)).isGreaterThanOrEqualTo(later);
    }

    @Test
    void aTransactionThatWroteNothingDoesNotHoldIt() throws SQLException {
        Connection reader = connect();
        reader.setAutoCommit(false);
        rows(reader, "SELECT * FROM ITEMS");
        long seq = insert(db, 1);

        assertThat(safeSeq(db)).isGreaterThanOrEqualTo(seq);
        reader.commit();
    }

    @Test
    void eachDatabaseHasItsOwnTransactionsInFlight() throws SQLException {
        String otherUrl = "jdbc:h2:mem:other_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        migrate(otherUrl);
        try (Connection other = java.sql.DriverManager.getConnection(otherUrl, "sa", "")) {
            writeSite(other, "desktop");
            exec(other, "CREATE TABLE ITEMS (ID INTEGER PRIMARY KEY, NAME VARCHAR(100), PRICE NUMERIC(10, 2))");
            for (String sql : dialect.installSql(H2TriggerTest.ITEMS, "desktop")) {
                exec(other, sql);
            }
            other.setAutoCommit(false);
            insert(other, 1);
            long seq = insert(db, 1);

            assertThat(safeSeq(db)).isGreaterThanOrEqualTo(seq);
            other.rollback();
            exec(other, "SHUTDOWN");
        }
    }

    /**
     * Writers commit and roll back transactions of random sizes while a reader, like the
     * sync, reads all rows up to SAFE_SEQ: a row it did not see then must never show up
     * later at or below that cap.
     */
    @Test
    void aReaderUpToTheCapNeverMissesARowThatCommitsLater() throws Exception {
        int writers = 4;
        AtomicInteger ids = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        List<long[]> caps = new ArrayList<>();
        List<Set<Long>> seen = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> work = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Connection c = connect();
            c.setAutoCommit(false);
            work.add(pool.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int tx = 0; tx < 60; tx++) {
                    for (int i = random.nextInt(1, 6); i > 0; i--) {
                        exec(c, "INSERT INTO ITEMS (ID, NAME) VALUES (" + ids.incrementAndGet() + ", 'w')");
                        Thread.sleep(random.nextInt(2));
                    }
                    if (random.nextInt(5) == 0) {
                        c.rollback();
                    } else {
                        c.commit();
                    }
                }
                return null;
            }));
        }
        Connection reader = connect();
        ExecutorService readerThread = Executors.newSingleThreadExecutor();
        Future<?> reading = readerThread.submit(() -> {
            while (!done.get()) {
                long cap = safeSeq(reader);
                Set<Long> visible = new HashSet<>();
                for (var r : rows(reader, "SELECT DV_SEQ FROM ITEMS WHERE DV_SEQ <= " + cap)) {
                    visible.add((Long) r.get("DV_SEQ"));
                }
                caps.add(new long[] {cap});
                seen.add(visible);
            }
            return null;
        });
        for (Future<?> f : work) {
            f.get(60, TimeUnit.SECONDS);
        }
        done.set(true);
        reading.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        readerThread.shutdown();

        List<Long> committed = new ArrayList<>();
        rows(db, "SELECT DV_SEQ FROM ITEMS").forEach(r -> committed.add((Long) r.get("DV_SEQ")));
        assertThat(caps).hasSizeGreaterThan(5);
        for (int i = 0; i < caps.size(); i++) {
            long cap = caps.get(i)[0];
            Set<Long> visible = seen.get(i);
            assertThat(committed.stream().filter(s -> s <= cap).filter(s -> !visible.contains(s)).toList())
                    .as("rows at or below cap %d that the reader could not see", cap).isEmpty();
        }
    }
}
