package org.dovetail.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Applications keep writing while syncs run: a row committed late by a transaction that
 * took its change number early is carried by the next sync, never skipped.
 */
class ConcurrentWritersIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final String ALL = "SELECT id, name, qty FROM items ORDER BY id";

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.PG, Kind.H2),
                Arguments.of(Kind.H2, Kind.PG), Arguments.of(Kind.H2, Kind.H2));
    }

    private static Dovetail installed(TestSites sites) {
        Dovetail d = new Dovetail(new ConfigLoader(System.getenv()).load(sites.config("tables: [items]")),
                System.getenv());
        d.install("a");
        d.install("b");
        return d;
    }

    static Stream<Arguments> postgresTargets() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.H2, Kind.PG));
    }

    /**
     * The sync reads the target's rows without locking them and writes only rows still in the
     * state it read: an application's edit committed between the two is met as a conflict, not
     * overwritten.
     */
    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("postgresTargets")
    void anApplicationEditCommittedWhileTheSyncWritesIsNotOverwritten(Kind ka, Kind kb) throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS).site("b", kb, ITEMS)) {
            Dovetail d = installed(sites);
            sites.exec("a", "INSERT INTO items VALUES (1, 'one', 1)", "INSERT INTO items VALUES (2, 'two', 2)");
            d.sync(SyncOptions.both("a", "b"));
            sites.exec("a", "UPDATE items SET qty = 10 WHERE id = 1", "UPDATE items SET qty = 20 WHERE id = 2");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (Connection app = sites.connect("b")) {
                app.setAutoCommit(false);
                try (Statement s = app.createStatement()) {
                    s.execute("UPDATE items SET name = 'edited at b' WHERE id = 1");
                }
                Future<SyncResult> sync = pool.submit(() -> d.sync(SyncOptions.both("a", "b")));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (sites.count("b", "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND datname = current_database()") == 0) {
                    assertThat(System.nanoTime()).as("the sync waits for the application's row").isLessThan(deadline);
                    assertThat(sync.isDone()).as("the sync cannot finish while the row is locked").isFalse();
                    Thread.sleep(20);
                }
                app.commit();
                SyncResult result = sync.get(60, TimeUnit.SECONDS);
                assertThat(result.conflicts()).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            d.sync(SyncOptions.both("a", "b"));
            assertThat(sites.rows("a", ALL)).isEqualTo(sites.rows("b", ALL))
                    .containsExactly(List.of("1", "edited at b", "1"), List.of("2", "two", "20"));
            for (String site : List.of("a", "b")) {
                assertThat(sites.count(site, "SELECT count(*) FROM dovetail.conflict WHERE key_text = '[\"1\"]'"))
                        .as("conflict recorded at " + site).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aTransactionOpenAcrossASyncIsCarriedByTheNextOne(Kind ka, Kind kb) throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS).site("b", kb, ITEMS)) {
            Dovetail d = installed(sites);
            try (Connection early = sites.connect("a")) {
                early.setAutoCommit(false);
                try (Statement s = early.createStatement()) {
                    s.execute("INSERT INTO items VALUES (1, 'early, committed late', 1)");
                }
                sites.exec("a", "INSERT INTO items VALUES (2, 'later, committed first', 2)");
                SyncResult during = d.sync(SyncOptions.both("a", "b"));
                assertThat(during.pushed()).isEqualTo(1);
                assertThat(sites.rows("b", ALL)).containsExactly(List.of("2", "later, committed first", "2"));
                sites.exec("a", "INSERT INTO items VALUES (3, 'after the sync', 3)");
                d.sync(SyncOptions.both("a", "b"));
                early.commit();
            }
            SyncResult after = d.sync(SyncOptions.both("a", "b"));
            assertThat(after.pushed()).isEqualTo(1);
            assertThat(sites.rows("b", ALL)).isEqualTo(sites.rows("a", ALL)).hasSize(3);
            assertThat(d.sync(SyncOptions.both("a", "b")).pushed()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void writersAtBothSitesDuringBackToBackSyncsLoseNothing(Kind ka, Kind kb) throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS).site("b", kb, ITEMS)) {
            Dovetail d = installed(sites);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong commits = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> writers = new ArrayList<>();
            // each writer owns a key range, so the two sites never edit the same row: no conflicts expected
            writers.add(pool.submit(() -> write(sites, "a", 0, 1, stop, commits)));
            writers.add(pool.submit(() -> write(sites, "a", 1000, 2, stop, commits)));
            writers.add(pool.submit(() -> write(sites, "b", 2000, 3, stop, commits)));
            writers.add(pool.submit(() -> write(sites, "b", 3000, 4, stop, commits)));
            long syncs = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (System.nanoTime() < deadline) {
                SyncResult r = d.sync(SyncOptions.both("a", "b"));
                assertThat(r.conflicts()).isZero();
                assertThat(r.failed()).isFalse();
                syncs++;
            }
            stop.set(true);
            for (Future<?> w : writers) {
                w.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            d.sync(SyncOptions.both("a", "b"));
            assertThat(syncs).isGreaterThan(2);
            assertThat(commits.get()).isGreaterThan(20);
            assertThat(sites.rows("b", ALL)).isEqualTo(sites.rows("a", ALL));
            assertThat(d.verify("a", "b", List.of()).identical()).isTrue();
            SyncResult quiet = d.sync(SyncOptions.both("a", "b"));
            assertThat(quiet.pushed() + quiet.pulled()).isZero();
        }
    }

    /** Transactions of a few inserts, updates and deletes on the writer's own keys, held open 0-300 ms. */
    private static Void write(TestSites sites, String site, int base, long seed, AtomicBoolean stop,
                              AtomicLong commits) throws SQLException, InterruptedException {
        Random random = new Random(seed);
        try (Connection c = sites.connect(site)) {
            c.setAutoCommit(false);
            while (!stop.get()) {
                for (int op = 0; op < 1 + random.nextInt(4); op++) {
                    long key = base + random.nextInt(60);
                    int kind = random.nextInt(3);
                    String sql = kind == 0 ? "DELETE FROM items WHERE id = ?"
                            : "UPDATE items SET qty = qty + 1, name = ? WHERE id = ?";
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        if (kind == 0) {
                            ps.setLong(1, key);
                        } else {
                            ps.setString(1, site + " " + random.nextInt(1000));
                            ps.setLong(2, key);
                        }
                        if (ps.executeUpdate() == 0 && kind != 0) {
                            try (PreparedStatement ins = c.prepareStatement("INSERT INTO items VALUES (?, ?, 0)")) {
                                ins.setLong(1, key);
                                ins.setString(2, "new at " + site);
                                ins.executeUpdate();
                            }
                        }
                    }
                }
                Thread.sleep(random.nextInt(300));
                if (random.nextInt(10) == 0) {
                    c.rollback();
                } else {
                    c.commit();
                    commits.incrementAndGet();
                }
            }
        }
        return null;
    }
}
