package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL of the real {@code dovetail.jar} process at many points of a 100,000-row two-way
 * sync: at random moments (before and during the first batches), right after a batch
 * committed at the target (between batches), and right after a conflict was recorded at the
 * source but before the target's batch committed (during conflict recording). After a final
 * run both sites are identical, nothing is lost or doubled, and each conflict is recorded once
 * at both sites.
 */
class CrashIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final int ROWS_A = 80_000;
    static final int ROWS_B = 20_000;
    static final int CONFLICTS = 50;
    /** Conflicting keys spread over a's range, so that most batches record some. */
    static final int CONFLICT_STEP = ROWS_A / CONFLICTS;

    @Test
    void killedSyncsLeaveBothSitesConsistentAndTheNextRunFinishes() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS).site("b", Kind.PG, ITEMS)) {
            Path config = sites.config("tables: [items]");
            assertThat(JarRuns.start(config, "install", "a").waitFor()).isZero();
            assertThat(JarRuns.start(config, "install", "b").waitFor()).isZero();
            JarRuns.fill(sites, "a", 0, ROWS_A, "a");
            JarRuns.fill(sites, "b", ROWS_A, ROWS_B, "b");
            sites.exec("b", "INSERT INTO items SELECT g * " + CONFLICT_STEP + ", 'b-conflict', 1 "
                    + "FROM generate_series(0, " + (CONFLICTS - 1) + ") g");
            LongSupplier rowsAtB = () -> sites.count("b", "SELECT count(*) FROM items");
            LongSupplier conflictsAtA = () -> sites.count("a", "SELECT count(*) FROM dovetail.conflict");
            Random random = new Random(42);
            List<String> kills = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                kills.add(JarRuns.killAfter(config, 200 + random.nextInt(1500)));
                kills.add(JarRuns.killWhenGrows(config, rowsAtB, "a batch committed at b"));
                kills.add(JarRuns.killWhenGrows(config, conflictsAtA, "a conflict recorded at a"));
            }
            System.out.println("CrashIT kills: " + kills);
            assertThat(kills.stream().filter(k -> k.startsWith("killed after a batch")))
                    .as("kills between batches").hasSizeGreaterThanOrEqualTo(2);
            assertThat(kills.stream().filter(k -> k.startsWith("killed after a conflict")))
                    .as("kills during conflict recording").hasSizeGreaterThanOrEqualTo(2);

            Process last = JarRuns.start(config, "sync", "a", "b");
            assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).as("done, conflicts recorded in this run or earlier").isIn(0, 3);
            Process again = JarRuns.start(config, "sync", "a", "b", "--json");
            assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String summary = new String(again.getInputStream().readAllBytes());
            assertThat(summary).contains("\"pushed\":0,\"pulled\":0,\"conflicts\":0,\"open_conflicts\":0");

            String all = "SELECT id, name, qty, dv_version, dv_origin FROM items ORDER BY id";
            assertThat(sites.rows("a", all)).isEqualTo(sites.rows("b", all));
            assertThat(sites.count("a", "SELECT count(*) FROM items")).isEqualTo(ROWS_A + ROWS_B);
            String conflicts = "SELECT conflict_id, table_key, key_text, kind FROM dovetail.conflict ORDER BY 1";
            assertThat(sites.rows("a", conflicts)).isEqualTo(sites.rows("b", conflicts)).hasSize(CONFLICTS);
            assertThat(sites.count("a", "SELECT count(DISTINCT key_text) FROM dovetail.conflict")).isEqualTo(CONFLICTS);
            Process verify = JarRuns.start(config, "verify", "a", "b");
            assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(verify.exitValue()).isZero();
        }
    }

    /**
     * The same between a SQLite file and a PostgreSQL site (shorter): a killed process leaves the
     * file's WAL and its write lock behind mid-batch; kills while batches are written into the file,
     * right after one committed there, and right after a conflict was recorded in the file. The
     * next run finishes the job.
     */
    @Test
    void killedSyncsLeaveASqliteSiteConsistentAndTheNextRunFinishes() throws Exception {
        int rowsA = 3_000;
        int rowsB = 30_000; // three batches into the file
        int conflicts = 20;
        int step = rowsA / conflicts;
        try (TestSites sites = new TestSites(pg).site("a", Kind.SQLITE, ITEMS).site("b", Kind.PG, ITEMS)) {
            Path config = sites.config("tables: [items]");
            assertThat(JarRuns.start(config, "install", "a").waitFor()).isZero();
            assertThat(JarRuns.start(config, "install", "b").waitFor()).isZero();
            JarRuns.fill(sites, "a", 0, rowsA, "a");
            JarRuns.fill(sites, "b", rowsA, rowsB, "b");
            sites.exec("b", "INSERT INTO items SELECT g * " + step + ", 'b-conflict', 1 "
                    + "FROM generate_series(0, " + (conflicts - 1) + ") g");
            LongSupplier rowsAtA = () -> sites.count("a", "SELECT count(*) FROM items");
            LongSupplier conflictsAtA = () -> sites.count("a", "SELECT count(*) FROM dovetail_conflict");
            List<String> kills = new ArrayList<>();
            // a's rows go first (conflicts recorded in the file as b's batch is written), then b's
            // rows come into the file in three batches
            kills.add(JarRuns.killWhenGrows(config, conflictsAtA, "a conflict recorded at a"));
            kills.add(JarRuns.killWhenGrows(config, rowsAtA, "a batch committed at a"));
            kills.add(JarRuns.killWhenGrows(config, rowsAtA, "a batch committed at a"));
            kills.add(JarRuns.killAfter(config, 1000));
            System.out.println("CrashIT SQLite kills: " + kills);
            assertThat(kills.stream().filter(k -> k.startsWith("killed after"))).as("syncs killed mid-way")
                    .hasSizeGreaterThanOrEqualTo(2);

            Process last = JarRuns.start(config, "sync", "a", "b");
            assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).as("done, conflicts recorded in this run or earlier").isIn(0, 3);
            Process again = JarRuns.start(config, "sync", "a", "b", "--json");
            assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(again.getInputStream().readAllBytes()))
                    .contains("\"pushed\":0,\"pulled\":0,\"conflicts\":0,\"open_conflicts\":0");

            String all = "SELECT id, name, qty, dv_version, dv_origin FROM items ORDER BY id";
            assertThat(sites.rows("a", all)).isEqualTo(sites.rows("b", all));
            assertThat(sites.count("a", "SELECT count(*) FROM items")).isEqualTo(rowsA + rowsB);
            assertThat(sites.rows("a", "SELECT conflict_id, table_key, key_text, kind FROM dovetail_conflict ORDER BY 1"))
                    .isEqualTo(sites.rows("b", "SELECT conflict_id, table_key, key_text, kind FROM dovetail.conflict"
                            + " ORDER BY 1")).hasSize(conflicts);
            Process verify = JarRuns.start(config, "verify", "a", "b");
            assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(verify.exitValue()).isZero();
        }
    }
}
