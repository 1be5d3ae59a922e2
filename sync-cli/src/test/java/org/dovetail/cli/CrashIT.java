package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL of the real {@code dovetail.jar} process at random points of a large two-way
 * sync: after a final run both sites are identical, nothing lost or doubled, and each
 * conflict is recorded once at both sites.
 */
class CrashIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final int ROWS = 40_000;
    static final int CONFLICTS = 50;

    @Test
    void killedSyncsLeaveBothSitesConsistentAndTheNextRunFinishes() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS).site("b", Kind.PG, ITEMS)) {
            Path config = sites.config("tables: [items]");
            assertThat(JarRuns.start(config, "install", "a").waitFor()).isZero();
            assertThat(JarRuns.start(config, "install", "b").waitFor()).isZero();
            JarRuns.fill(sites, "a", 0, ROWS, "a");
            JarRuns.fill(sites, "b", ROWS, ROWS / 4, "b");
            JarRuns.fill(sites, "b", 0, CONFLICTS, "b-conflict");
            Random random = new Random(42);
            List<Long> killedAfterMillis = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Process p = JarRuns.start(config, "sync", "a", "b");
                long wait = 300 + random.nextInt(2500);
                if (!p.waitFor(wait, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    killedAfterMillis.add(wait);
                }
            }
            assertThat(killedAfterMillis).as("at least some runs were killed mid-way").isNotEmpty();
            Process last = JarRuns.start(config, "sync", "a", "b");
            assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).as("done, conflicts recorded in this run or earlier").isIn(0, 3);
            Process again = JarRuns.start(config, "sync", "a", "b", "--json");
            assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String summary = new String(again.getInputStream().readAllBytes());
            assertThat(summary).contains("\"pushed\":0,\"pulled\":0,\"conflicts\":0,\"open_conflicts\":0");

            String all = "SELECT id, name, qty, dv_version, dv_origin FROM items ORDER BY id";
            assertThat(sites.rows("a", all)).isEqualTo(sites.rows("b", all));
            assertThat(sites.count("a", "SELECT count(*) FROM items")).isEqualTo(ROWS + ROWS / 4);
            String conflicts = "SELECT conflict_id, table_key, key_text, kind FROM dovetail.conflict ORDER BY 1";
            assertThat(sites.rows("a", conflicts)).isEqualTo(sites.rows("b", conflicts)).hasSize(CONFLICTS);
            assertThat(sites.count("a", "SELECT count(DISTINCT key_text) FROM dovetail.conflict")).isEqualTo(CONFLICTS);
            Process verify = JarRuns.start(config, "verify", "a", "b");
            assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(verify.exitValue()).isZero();
        }
    }
}
