package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL server restarted in the middle of a sync of a PostgreSQL pair (SPEC section 3:
 * "a sync killed at any instant (kill -9, network cut, database restart) leaves both sites
 * consistent, and the next run finishes the job"). Both sites live on the one server, so both
 * of the sync's connections die at once. The run must fail with exit 1 and one line on stderr,
 * promptly (not hang on a dead socket), and the next run must finish the job.
 *
 * <p>To restart at a known point rather than race the sync, the test lets the first batches
 * of a's rows commit at b, then takes a SHARE lock on b's table: the sync's next batch there
 * waits for it, and the restart comes while that batch's transaction (and the run's read
 * snapshot at a) is open, with part of the push already committed.
 */
class RestartIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final int ROWS_A = 50_000;
    static final int ROWS_B = 10_000;
    /** How long the test waits for a step of the sync it watches before calling it stuck. */
    static final long WATCH_MILLIS = 60_000;

    @Test
    void aServerRestartMidSyncFailsTheRunWithOneLineAndTheNextRunFinishes() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS).site("b", Kind.PG, ITEMS)) {
            Path config = sites.config("tables: [items]");
            for (String site : List.of("a", "b")) {
                CliRun install = CliRun.of("install", site, "--config", config.toString());
                assertThat(install.exitCode()).as("install %s: %s", site, install.err()).isZero();
            }
            JarRuns.fill(sites, "a", 0, ROWS_A, "a");
            JarRuns.fill(sites, "b", ROWS_A, ROWS_B, "b");
            Map<String, String> env = new HashMap<>(System.getenv());
            env.remove("DOVETAIL_CONFIG");

            BadInputCli.Running sync = BadInputCli.start(sites.dir(), env, "sync", "a", "b", "--config",
                    config.toString());
            waitFor(sync, "a 'running' row in b's sync_run", () -> sites.count("b",
                    "SELECT count(*) FROM dovetail.sync_run WHERE outcome = 'running'") > 0);
            waitFor(sync, "two batches of a's rows committed at b", () -> sites.count("b",
                    "SELECT count(*) FROM items") >= ROWS_B + 4_000);
            long atB;
            Connection blocker = sites.connect("b");
            try (Statement s = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                s.execute("LOCK TABLE items IN SHARE MODE"); // waits for the batch in flight, blocks the next
                atB = count(s, "SELECT count(*) FROM items");
                assertThat(atB).as("the push is still under way when the lock is taken").isLessThan(ROWS_A + ROWS_B);
                waitFor(sync, "the sync's next batch waiting for the lock at b", () -> sites.count("b",
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dovetail' "
                                + "AND datname = current_database() AND wait_event_type = 'Lock'") > 0);
                assertThat(sync.isAlive()).isTrue();
                System.out.println("RestartIT: restarting PostgreSQL with " + atB + " rows at b, mid-push");
                pg.server().restart();
            } finally {
                closeQuietly(blocker);
            }

            BadInputCli.Result cut = sync.awaitWithin(Duration.ofSeconds(60));
            System.out.println("RestartIT: the run cut by the restart: " + cut);
            assertThat(cut.hung()).as("the sync gave up after the restart instead of hanging: %s", cut).isFalse();
            assertThat(cut.exitCode()).as("exit code of %s", cut).isEqualTo(1);
            assertThat(cut.errLines()).as("stderr of %s: one line", cut).hasSize(1);
            assertThat(cut.err()).as("stderr of %s", cut).startsWith("error: ")
                    .doesNotContain("\tat ", "Exception", "SQL [");

            BadInputCli.Result again = BadInputCli.run(sites.dir(), env, Duration.ofSeconds(120), "sync", "a", "b",
                    "--config", config.toString());
            System.out.println("RestartIT: the next run: " + again);
            assertThat(again.exitCode()).as("%s", again).isZero();
            assertThat(again.err()).isEmpty();
            // the batches committed before the restart are not sent again, the one cut is sent in full
            assertThat(again.out()).containsPattern("(?m)^items\\s+pushed " + (ROWS_A - (atB - ROWS_B)) + "  pulled "
                    + ROWS_B + "  conflicts 0$");

            BadInputCli.Result verify = BadInputCli.run(sites.dir(), env, Duration.ofSeconds(60), "verify", "a", "b",
                    "--config", config.toString());
            assertThat(verify.exitCode()).as("%s", verify).isZero();
            assertThat(verify.out()).contains("items  identical (" + (ROWS_A + ROWS_B) + " rows)");

            String all = "SELECT id, name, qty, dv_version, dv_origin FROM items ORDER BY id";
            List<List<String>> atA = sites.rows("a", all);
            assertThat(atA).hasSize(ROWS_A + ROWS_B);
            assertThat(sites.rows("b", all)).isEqualTo(atA);
            assertThat(atA.get(0)).containsExactly("0", "a 0", "0", "1", atA.get(0).get(4));
            assertThat(atA.get(ROWS_A)).containsExactly(Long.toString(ROWS_A), "b " + ROWS_A,
                    Integer.toString(ROWS_A % 100), "1", atA.get(ROWS_A).get(4));
            for (String site : List.of("a", "b")) {
                assertThat(sites.rows(site, "SELECT outcome FROM dovetail.sync_run ORDER BY started_at"))
                        .as("the run log at %s: the cut run failed, the next one ok", site)
                        .containsExactly(List.of("failed"), List.of("ok"));
            }
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls until the condition holds; fails if the sync process ends first or it takes too long. */
    private static void waitFor(BadInputCli.Running sync, String what, Condition condition) throws Exception {
        long deadline = System.currentTimeMillis() + WATCH_MILLIS;
        while (!condition.holds()) {
            if (!sync.isAlive()) {
                throw new AssertionError("the sync ended before " + what + ": " + sync.await(Duration.ZERO));
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no " + what + " within " + WATCH_MILLIS + " ms");
            }
            Thread.sleep(20);
        }
    }

    private static long count(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the restart ended this session
        }
    }
}
