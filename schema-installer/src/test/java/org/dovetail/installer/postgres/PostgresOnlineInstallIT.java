package org.dovetail.installer.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.dovetail.core.DovetailException;
import org.dovetail.core.ExitCode;
import org.dovetail.core.config.PasswordSource;
import org.dovetail.core.config.SiteConfig;
import org.dovetail.core.site.Site;
import org.dovetail.core.table.TableName;
import org.dovetail.installer.InstallResult;
import org.dovetail.installer.Installer;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Installing on PostgreSQL while the application keeps writing: the application is never made to
 * fail, every row it committed ends with bookkeeping, an install interrupted anywhere is completed
 * by the next one, and an application transaction holding the table's lock makes install give up
 * (exit 1, naming the table) or wait for it within the retry window, instead of blocking writes.
 * Timings belong in bench/install-bench.sh, not here.
 */
class PostgresOnlineInstallIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    private static final String SITE = "office";
    private static final int ROWS = 150_000;
    private static final List<TableName> ITEMS = List.of(TableName.parse("items"));

    @Test
    void theApplicationWritesThroughoutAnInstallAndEveryRowItCommittedEndsWithBookkeeping() throws Exception {
        TestDatabase db = database("online", ROWS);
        Writer writer = new Writer(db);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(writer);
        writer.awaitWrites(300);
        long beforeInstall = writer.writes();
        InstallResult result = new Installer(site(db)).install(ITEMS);
        long afterInstall = writer.writes();
        writer.awaitWrites(afterInstall + 300);
        writer.stop();
        writing.get(60, TimeUnit.SECONDS);

        assertThat(writer.errors).as("errors the application saw").isEmpty();
        assertThat(result.tables().get(0).rowsBackfilled()).isPositive();
        assertThat(afterInstall).as("writes during install").isGreaterThan(beforeInstall);
        try (Connection c = db.connect()) {
            Map<Long, Row> rows = rows(c);
            assertThat(writer.last).hasSizeGreaterThan(600);
            for (Map.Entry<Long, Write> e : writer.last.entrySet()) {
                Write w = e.getValue();
                Row row = rows.get(e.getKey());
                if (w.deleted()) {
                    assertThat(row).as("deleted row %d", e.getKey()).isNull();
                    if (w.order() > afterInstall) {
                        assertThat(count(c, "SELECT count(*) FROM dv_tomb_items WHERE id = " + e.getKey()))
                                .as("tombstone of %d", e.getKey()).isEqualTo(1);
                    }
                    continue;
                }
                assertThat(row).as("row %d", e.getKey()).isNotNull();
                assertThat(row.note()).as("row %d", e.getKey()).isEqualTo(w.note());
                boolean byTrigger = row.txid() == w.txid();
                if (w.order() <= beforeInstall) {
                    // written before install began: the trigger did not exist, the backfill gave it version 1
                    assertThat(byTrigger).as("row %d written before install", e.getKey()).isFalse();
                    assertThat(row.version()).isEqualTo(1);
                } else if (w.order() > afterInstall) {
                    assertThat(byTrigger).as("row %d written after install", e.getKey()).isTrue();
                } else if (!byTrigger) {
                    assertThat(row.version()).as("row %d backfilled", e.getKey()).isEqualTo(1);
                }
            }
            assertFullyInstalled(c);
        }
    }

    @Test
    void anInstallKilledDuringTheBackfillIsCompletedByTheNext() throws Exception {
        TestDatabase db = database("killed", ROWS);
        CompletableFuture<InstallResult> install = CompletableFuture.supplyAsync(
                () -> new Installer(site(db)).install(ITEMS));
        try (Connection c = db.connect()) {
            c.setAutoCommit(true);
            while (count(c, "SELECT count(*) FROM pg_trigger WHERE tgname = 'dv_trg_items_row'") == 0) {
                assertThat(install).isNotDone();
                Thread.sleep(5);
            }
            while (count(c, "SELECT count(*) FROM (SELECT 1 FROM items WHERE dv_version IS NOT NULL LIMIT 1) x") == 0) {
                assertThat(install).isNotDone();
                Thread.sleep(5);
            }
            exec(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = 'dovetail' AND datname = current_database()");
        }
        assertThatThrownBy(() -> install.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(DovetailException.class);
        try (Connection c = db.connect()) {
            c.setAutoCommit(true);
            assertThat(count(c, "SELECT count(*) FROM items WHERE dv_version IS NULL")).as("left to backfill")
                    .isPositive();
            exec(c, "UPDATE items SET note = 'changed between' WHERE id IN (1, 150000)");
        }
        InstallResult again = new Installer(site(db)).install(ITEMS);
        assertThat(again.tables().get(0).alreadyInstalled()).isTrue();
        try (Connection c = db.connect()) {
            assertFullyInstalled(c);
            assertThat(count(c, "SELECT count(*) FROM items WHERE id IN (1, 150000) AND note = 'changed between'"))
                    .isEqualTo(2);
        }
    }

    @Test
    void anIndexLeftInvalidAndTriggersDroppedAreRepairedByTheNextInstall() throws Exception {
        TestDatabase db = database("repair", 20_000);
        new Installer(site(db)).install(ITEMS);
        try (Connection c = db.connect()) {
            c.setAutoCommit(true);
            // what an interrupted CREATE INDEX CONCURRENTLY leaves: an INVALID index of that name
            exec(c, "DROP INDEX items_dv_seq_idx");
            assertThatThrownBy(() -> exec(c, "CREATE UNIQUE INDEX CONCURRENTLY items_dv_seq_idx ON items (dv_site)"))
                    .hasMessageContaining("could not create unique index");
            assertThat(strings(c, "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'items_dv_seq_idx'::regclass"))
                    .containsExactly("false");
            // a table that lost its triggers and has rows without bookkeeping
            exec(c, "DROP TRIGGER dv_trg_items_row ON items; DROP TRIGGER dv_trg_items_del ON items;"
                    + " INSERT INTO items (id, name, note) VALUES (900001, 'no trigger', 'x');"
                    + " DELETE FROM items WHERE id = 2");
        }
        new Installer(site(db)).install(ITEMS);
        try (Connection c = db.connect()) {
            assertFullyInstalled(c);
            assertThat(strings(c, "SELECT indexdef FROM pg_indexes WHERE indexname = 'items_dv_seq_idx'"))
                    .containsExactly("CREATE INDEX items_dv_seq_idx ON public.items USING btree (dv_seq)");
            c.setAutoCommit(true);
            exec(c, "DELETE FROM items WHERE id = 3");
            assertThat(count(c, "SELECT count(*) FROM dv_tomb_items WHERE id = 3")).isEqualTo(1);
        }
    }

    @Test
    void aTransactionHoldingTheTableMakesInstallGiveUpNamingItAndLeavesTheTableUsable() throws Exception {
        TestDatabase db = database("busy", 1_000);
        try (Connection app = db.connect(); Connection other = db.connect()) {
            app.setAutoCommit(false);
            exec(app, "UPDATE items SET note = 'open' WHERE id = 1");
            Installer installer = new Installer(site(db), Duration.ofMillis(100), 3);
            assertThatThrownBy(() -> installer.install(ITEMS))
                    .isInstanceOfSatisfying(DovetailException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED);
                        assertThat(e.getMessage()).doesNotContain("\n").startsWith("install at site 'office' failed:"
                                + " table 'public.items' stayed locked by other transactions (3 tries of 100 ms each");
                    });
            other.setAutoCommit(true);
            exec(other, "UPDATE items SET note = 'other' WHERE id = 2; INSERT INTO items (id, name) VALUES (5000, 'n')");
            exec(app, "UPDATE items SET note = 'still open' WHERE id = 1");
            app.commit();
            assertThat(count(other, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items'"
                    + " AND column_name LIKE 'dv%'")).isZero();
            assertThat(count(other, "SELECT count(*) FROM dovetail.replicated_table")).isZero();
        }
        new Installer(site(db)).install(ITEMS);
        try (Connection c = db.connect()) {
            assertFullyInstalled(c);
        }
    }

    @Test
    void aTransactionThatCommitsWithinTheRetryWindowIsWaitedFor() throws Exception {
        TestDatabase db = database("waits", 1_000);
        try (Connection app = db.connect()) {
            app.setAutoCommit(false);
            exec(app, "UPDATE items SET note = 'open' WHERE id = 1");
            CompletableFuture<InstallResult> install = CompletableFuture.supplyAsync(
                    () -> new Installer(site(db), Duration.ofMillis(100), 30).install(ITEMS));
            Thread.sleep(700);
            assertThat(install).isNotDone();
            app.commit();
            assertThat(install.get(60, TimeUnit.SECONDS).tables()).hasSize(1);
        }
        try (Connection c = db.connect()) {
            assertFullyInstalled(c);
            assertThat(strings(c, "SELECT note FROM items WHERE id = 1")).containsExactly("open");
        }
    }

    @Test
    void aRowTheApplicationHoldsDuringTheBackfillIsWaitedForAtTheEnd() throws Exception {
        TestDatabase db = database("held", ROWS);
        CompletableFuture<InstallResult> install;
        try (Connection app = db.connect(); Connection watch = db.connect()) {
            watch.setAutoCommit(true);
            install = CompletableFuture.supplyAsync(() -> new Installer(site(db)).install(ITEMS));
            while (count(watch, "SELECT count(*) FROM pg_trigger WHERE tgname = 'dv_trg_items_row'") == 0) {
                assertThat(install).isNotDone();
                Thread.sleep(5);
            }
            // the last key: the backfill, going in key order, meets it while this transaction holds it
            app.setAutoCommit(false);
            assertThat(strings(app, "SELECT note FROM items WHERE id = " + ROWS + " FOR UPDATE")).hasSize(1);
            Thread.sleep(1_500);
            assertThat(count(watch, "SELECT count(*) FROM items WHERE id = " + ROWS + " AND dv_version IS NULL"))
                    .isEqualTo(1);
            app.rollback();
        }
        assertThat(install.get(60, TimeUnit.SECONDS).tables().get(0).rowsBackfilled()).isEqualTo(ROWS);
        try (Connection c = db.connect()) {
            assertFullyInstalled(c);
        }
    }

    // ---- fixture ----

    /** A new database with table items of the given number of rows. */
    private static TestDatabase database(String name, int rows) throws SQLException {
        TestDatabase db = pg.newDatabase(name);
        try (Connection c = db.connect()) {
            c.setAutoCommit(true);
            exec(c, "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty integer, note text)");
            exec(c, "INSERT INTO items SELECT g, 'item ' || g, g % 100, NULL FROM generate_series(1, " + rows + ") g");
            exec(c, "VACUUM ANALYZE items");
        }
        return db;
    }

    private static Site site(TestDatabase db) {
        return Site.of(new SiteConfig(SITE, db.url(), db.user(), new PasswordSource.None()), Map.of());
    }

    /** Registered, triggers in place, every row with bookkeeping, both indexes valid. */
    private static void assertFullyInstalled(Connection c) throws SQLException {
        c.setAutoCommit(true);
        assertThat(strings(c, "SELECT table_key FROM dovetail.replicated_table")).containsExactly("public.items");
        assertThat(strings(c, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'items'::regclass AND NOT tgisinternal"
                + " ORDER BY 1")).containsExactly("dv_trg_items_del", "dv_trg_items_row", "dv_trg_items_trunc");
        assertThat(count(c, "SELECT count(*) FROM items WHERE dv_version IS NULL OR dv_origin IS NULL"
                + " OR dv_site IS NULL OR dv_changed_at IS NULL OR dv_seq IS NULL OR dv_txid IS NULL")).isZero();
        assertThat(count(c, "SELECT count(*) - count(DISTINCT dv_seq) FROM items")).isZero();
        assertThat(count(c, "SELECT count(*) - count(DISTINCT dv_origin) FROM items")).isZero();
        assertThat(strings(c, "SELECT c.relname || ' ' || i.indisvalid || ' ' || i.indisready FROM pg_index i"
                + " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'items'::regclass ORDER BY 1"))
                .containsExactly("items_dv_seq_idx true true", "items_dv_txid_idx true true", "items_pkey true true");
    }

    private record Row(String note, long version, long txid) {
    }

    private static Map<Long, Row> rows(Connection c) throws SQLException {
        Map<Long, Row> rows = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, note, dv_version, dv_txid FROM items")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new Row(rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return rows;
    }

    /** A committed write: its place in the writer's order, the note it left, the txid that wrote it. */
    private record Write(long order, String note, long txid, boolean deleted) {
    }

    /**
     * The application: single-row updates and inserts, some deletes, and transactions updating
     * three nearby rows in random order (which would deadlock with a backfill that waited for them).
     */
    private static final class Writer implements Runnable {
        private final TestDatabase db;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong writes = new AtomicLong();
        final Map<Long, Write> last = new ConcurrentHashMap<>();
        final List<String> errors = new CopyOnWriteArrayList<>();

        Writer(TestDatabase db) {
            this.db = db;
        }

        long writes() {
            return writes.get();
        }

        void stop() {
            running.set(false);
        }

        void awaitWrites(long n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (writes.get() < n && running.get() && errors.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        }

        @Override
        public void run() {
            Random random = new Random(7);
            long nextId = 1_000_000;
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                while (running.get()) {
                    int kind = random.nextInt(10);
                    List<Long> ids = new ArrayList<>();
                    try {
                        if (kind < 6) {
                            ids.add(1 + (long) random.nextInt(ROWS));
                        } else if (kind < 8) {
                            // near one another, so that the backfill often meets them in one range
                            long near = 1 + (long) random.nextInt(ROWS - 1000);
                            for (int i = 0; i < 3; i++) {
                                ids.add(near + random.nextInt(1000));
                            }
                        } else if (kind < 9) {
                            ids.add(nextId++);
                        }
                        List<Write> done = new ArrayList<>();
                        if (kind == 9) {
                            long id = 1 + (long) random.nextInt(ROWS);
                            try (java.sql.Statement s = c.createStatement()) {
                                // a key deleted before (perhaps before install, without a tombstone) deletes nothing
                                if (s.executeUpdate("DELETE FROM items WHERE id = " + id) == 1) {
                                    ids.add(id);
                                    done.add(new Write(0, null, 0, true));
                                }
                            }
                        } else {
                            for (long id : ids) {
                                String note = "w" + writes.get() + "-" + id;
                                String sql = kind == 8
                                        ? "INSERT INTO items (id, name, note) VALUES (?, 'new', ?) RETURNING txid_current()"
                                        : "UPDATE items SET note = ?, qty = qty + 1 WHERE id = ? RETURNING txid_current()";
                                try (PreparedStatement ps = c.prepareStatement(sql)) {
                                    if (kind == 8) {
                                        ps.setLong(1, id);
                                        ps.setString(2, note);
                                    } else {
                                        ps.setString(1, note);
                                        ps.setLong(2, id);
                                    }
                                    try (ResultSet rs = ps.executeQuery()) {
                                        done.add(rs.next() ? new Write(0, note, rs.getLong(1), false) : null);
                                    }
                                }
                            }
                        }
                        c.commit();
                        long order = writes.incrementAndGet();
                        for (int i = 0; i < ids.size(); i++) {
                            Write w = done.get(i);
                            if (w != null) {
                                last.put(ids.get(i), new Write(order, w.note(), w.txid(), w.deleted()));
                            }
                        }
                    } catch (SQLException e) {
                        errors.add(e.getMessage());
                        c.rollback();
                        return;
                    }
                }
            } catch (SQLException e) {
                errors.add(e.getMessage());
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
