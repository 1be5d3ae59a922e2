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

    /**
     * The open transaction is at {@code a}: MariaDB both ways (its change numbers come from a
     * SEQUENCE taken before commit, as PostgreSQL's do); SQLite only as {@code b}, as one open
     * write transaction at a SQLite site holds the file's write lock (see the SQLite test below).
     */
    static Stream<Arguments> openTransactionPairs() {
        return Stream.concat(pairs(), Stream.of(Arguments.of(Kind.PG, Kind.MARIADB),
                Arguments.of(Kind.MARIADB, Kind.PG), Arguments.of(Kind.PG, Kind.SQLITE)));
    }

    /** Writers at both sites: one pair of the two newer kinds (SQLite's writers take turns on the file). */
    static Stream<Arguments> writerPairs() {
        return Stream.concat(pairs(), Stream.of(Arguments.of(Kind.SQLITE, Kind.MARIADB)));
    }

    private static Dovetail installed(TestSites sites) {
        Dovetail d = new Dovetail(new ConfigLoader(System.getenv()).load(sites.config("tables: [items]")),
                System.getenv());
        d.install("a");
        d.install("b");
        return d;
    }

    static Stream<Arguments> postgresTargets() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.H2, Kind.PG),
                Arguments.of(Kind.SQLITE, Kind.PG), Arguments.of(Kind.MARIADB, Kind.PG));
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
            sites.exec("a", "INSERT INTO items (id, name, qty) VALUES (1, 'one', 1)", "INSERT INTO items (id, name, qty) VALUES (2, 'two', 2)");
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
                assertThat(d.conflicts(site, "all", null)).as("conflict recorded at " + site)
                        .singleElement().satisfies(c -> assertThat(c.keyJson()).isEqualTo("[\"1\"]"));
            }
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("openTransactionPairs")
    void aTransactionOpenAcrossASyncIsCarriedByTheNextOne(Kind ka, Kind kb) throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS).site("b", kb, ITEMS)) {
            Dovetail d = installed(sites);
            try (Connection early = sites.connect("a")) {
                early.setAutoCommit(false);
                try (Statement s = early.createStatement()) {
                    s.execute("INSERT INTO items (id, name, qty) VALUES (1, 'early, committed late', 1)");
                }
                sites.exec("a", "INSERT INTO items (id, name, qty) VALUES (2, 'later, committed first', 2)");
                SyncResult during = d.sync(SyncOptions.both("a", "b"));
                assertThat(during.pushed()).isEqualTo(1);
                assertThat(sites.rows("b", ALL)).containsExactly(List.of("2", "later, committed first", "2"));
                sites.exec("a", "INSERT INTO items (id, name, qty) VALUES (3, 'after the sync', 3)");
                d.sync(SyncOptions.both("a", "b"));
                early.commit();
            }
            SyncResult after = d.sync(SyncOptions.both("a", "b"));
            assertThat(after.pushed()).isEqualTo(1);
            assertThat(sites.rows("b", ALL)).isEqualTo(sites.rows("a", ALL)).hasSize(3);
            assertThat(d.sync(SyncOptions.both("a", "b")).pushed()).isZero();
        }
    }

    /**
     * At a SQLite site an open write transaction holds the file's write lock, so the application's
     * other connections and the sync's writes there wait for it (README, "SQLite sites"): the sync
     * neither fails nor finishes while it is open, and once it commits that sync or the next one
     * carries its row, exactly once, and the rows committed before it too.
     */
    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("sqliteWithOtherKinds")
    void aSyncWaitsForAWriteTransactionOpenAtASqliteSite(Kind ka, Kind kb) throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS).site("b", kb, ITEMS)) {
            Dovetail d = installed(sites);
            sites.exec("a", "INSERT INTO items (id, name, qty) VALUES (2, 'committed first', 2)");
            sites.exec("b", "INSERT INTO items (id, name, qty) VALUES (3, 'at b', 3)");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            long pushed;
            try (Connection open = sites.connect("a")) {
                open.setAutoCommit(false);
                try (Statement s = open.createStatement()) {
                    s.execute("INSERT INTO items (id, name, qty) VALUES (1, 'open during the sync', 1)");
                }
                Future<SyncResult> sync = pool.submit(() -> d.sync(SyncOptions.both("a", "b")));
                Thread.sleep(1500);
                assertThat(sync.isDone()).as("the sync waits for the write lock of the SQLite file").isFalse();
                open.commit();
                SyncResult during = sync.get(60, TimeUnit.SECONDS);
                assertThat(during.failed()).isFalse();
                assertThat(during.pulled()).as("b's row reached a once the lock was free").isEqualTo(1);
                pushed = during.pushed();
                assertThat(pushed).isBetween(1L, 2L);
            } finally {
                pool.shutdownNow();
            }
            SyncResult next = d.sync(SyncOptions.both("a", "b"));
            assertThat(pushed + next.pushed()).as("each of a's rows carried once").isEqualTo(2);
            assertThat(sites.rows("b", ALL)).isEqualTo(sites.rows("a", ALL)).containsExactly(
                    List.of("1", "open during the sync", "1"), List.of("2", "committed first", "2"),
                    List.of("3", "at b", "3"));
            SyncResult quiet = d.sync(SyncOptions.both("a", "b"));
            assertThat(quiet.pushed() + quiet.pulled() + quiet.conflicts()).isZero();
        }
    }

    static Stream<Arguments> sqliteWithOtherKinds() {
        return Stream.of(Arguments.of(Kind.SQLITE, Kind.PG), Arguments.of(Kind.SQLITE, Kind.MARIADB));
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("writerPairs")
    void writersAtBothSitesDuringBackToBackSyncsLoseNothing(Kind ka, Kind kb) throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS).site("b", kb, ITEMS)) {
            Dovetail d = installed(sites);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Writer> writers = new ArrayList<>();
            // each writer owns a key range, so the two sites never edit the same row: no conflicts expected
            for (int w = 0; w < 6; w++) {
                writers.add(new Writer(sites, w < 3 ? "a" : "b", w * 1000, w + 1, stop));
            }
            List<Future<?>> running = new ArrayList<>();
            writers.forEach(w -> running.add(pool.submit(w)));
            long syncs = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long longest = 0;
            // at least three syncs: at a MariaDB site a sync's inserts wait, seconds at times, for the
            // writers' open transactions, whose gap locks (REPEATABLE READ) cover the keys it inserts
            while (System.nanoTime() < deadline || syncs < 3) {
                long t0 = System.nanoTime();
                SyncResult r = d.sync(SyncOptions.both("a", "b"));
                longest = Math.max(longest, System.nanoTime() - t0);
                assertThat(r.conflicts()).isZero();
                assertThat(r.failed()).isFalse();
                syncs++;
            }
            stop.set(true);
            for (Future<?> w : running) {
                w.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            d.sync(SyncOptions.both("a", "b"));
            System.out.printf("ConcurrentWritersIT %s-%s: %d syncs (longest %d ms), %d commits, %d deadlocks retried%n",
                    ka, kb, syncs, longest / 1_000_000, writers.stream().mapToInt(w -> w.commits).sum(),
                    writers.stream().mapToInt(w -> w.deadlocks).sum());
            assertThat(writers.stream().mapToInt(w -> w.commits).sum()).isGreaterThan(15);
            for (Writer w : writers) {
                String range = "SELECT id, name, qty FROM items WHERE id >= " + w.base + " AND id < " + (w.base + 60)
                        + " ORDER BY id";
                for (String site : List.of("a", "b")) {
                    assertThat(sites.rows(site, range)).as("writer at %s from %d, seen at %s", w.site, w.base, site)
                            .isEqualTo(w.committed());
                }
            }
            assertThat(d.verify("a", "b", List.of()).identical()).isTrue();
            SyncResult quiet = d.sync(SyncOptions.both("a", "b"));
            assertThat(quiet.pushed() + quiet.pulled()).isZero();
        }
    }

    /**
     * An application: transactions of a few inserts, updates and deletes on its own keys, held
     * open 0-3 s, one in ten rolled back; it keeps its own log of what it committed. At a SQLite
     * site, where an open write transaction holds the file's write lock, it holds it 0-0.3 s and
     * pauses 0-3 s between transactions instead, as a SQLite application must: three writers that
     * never let go of the lock would starve every other writer, the sync too (it waits 30 s).
     */
    private static final class Writer implements java.util.concurrent.Callable<Void> {
        final TestSites sites;
        final String site;
        final int base;
        final Random random;
        final AtomicBoolean stop;
        /** The committed state of each of its keys: name and qty; no entry: no row. */
        final java.util.TreeMap<Long, List<String>> log = new java.util.TreeMap<>();
        final boolean sqlite;
        final boolean mariaDb;
        int commits;
        int deadlocks;

        Writer(TestSites sites, String site, int base, long seed, AtomicBoolean stop) {
            this.sites = sites;
            this.site = site;
            this.base = base;
            this.random = new Random(seed);
            this.stop = stop;
            this.sqlite = sites.url(site).startsWith("jdbc:sqlite:");
            this.mariaDb = sites.url(site).startsWith("jdbc:mariadb:");
        }

        List<List<String>> committed() {
            List<List<String>> rows = new ArrayList<>();
            log.forEach((key, row) -> rows.add(List.of(Long.toString(key), row.get(0), row.get(1))));
            return rows;
        }

        @Override
        public Void call() throws SQLException, InterruptedException {
            try (Connection c = sites.connect(site)) {
                c.setAutoCommit(false);
                while (!stop.get()) {
                    java.util.TreeMap<Long, List<String>> pending = new java.util.TreeMap<>(log);
                    try {
                        writeSome(c, pending);
                    } catch (java.sql.SQLTransactionRollbackException e) {
                        if (!mariaDb) {
                            throw e;
                        }
                        // InnoDB's gap locks: two writers' UPDATE of a missing key, then its INSERT, into
                        // the same gap deadlock with or without triggers; an InnoDB application retries
                        c.rollback();
                        deadlocks++;
                        if (deadlocks == 1) {
                            System.out.println("ConcurrentWritersIT: deadlock at " + site + ": " + innodbStatus());
                        }
                        continue;
                    }
                    Thread.sleep(random.nextInt(sqlite ? 300 : 3000));
                    if (random.nextInt(10) == 0) {
                        c.rollback();
                    } else {
                        c.commit();
                        log.clear();
                        log.putAll(pending);
                        commits++;
                    }
                    if (sqlite) {
                        Thread.sleep(random.nextInt(3000));
                    }
                }
            }
            return null;
        }

        private String innodbStatus() {
            try (Connection c = sites.connect(site); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SHOW ENGINE INNODB STATUS")) {
                String text = rs.next() ? rs.getString(3) : "";
                int from = text.indexOf("LATEST DETECTED DEADLOCK");
                return from < 0 ? "(no deadlock section)" : text.substring(from, Math.min(text.length(), from + 1500));
            } catch (SQLException e) {
                return "(no InnoDB status: " + e.getMessage() + ")";
            }
        }

        /** One transaction's inserts, updates and deletes, noted in {@code pending}. */
        private void writeSome(Connection c, java.util.TreeMap<Long, List<String>> pending) throws SQLException {
            for (int op = 0; op < 1 + random.nextInt(4); op++) {
                long key = base + random.nextInt(60);
                if (random.nextInt(3) == 0) {
                    exec(c, "DELETE FROM items WHERE id = ?", key);
                    pending.remove(key);
                } else {
                    String name = site + " " + random.nextInt(1000);
                    if (exec(c, "UPDATE items SET qty = qty + 1, name = ? WHERE id = ?", name, key) == 0) {
                        exec(c, "INSERT INTO items (id, name, qty) VALUES (?, ?, 0)", key, "new at " + site);
                        pending.put(key, List.of("new at " + site, "0"));
                    } else {
                        int qty = Integer.parseInt(pending.get(key).get(1)) + 1;
                        pending.put(key, List.of(name, Integer.toString(qty)));
                    }
                }
            }
        }

        private static int exec(Connection c, String sql, Object... args) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        }
    }
}
