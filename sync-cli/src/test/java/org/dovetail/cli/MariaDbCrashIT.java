package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL of the real {@code dovetail.jar} during a two-way sync between a MariaDB and a
 * PostgreSQL site (a shorter CrashIT): while batches are written at the MariaDB site, right
 * after one committed there, and right after a conflict was recorded. The next run finishes the
 * job: both sites identical, each conflict recorded once at both.
 */
class MariaDbCrashIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final int ROWS_A = 3_000;
    static final int ROWS_B = 9_000;
    static final int CONFLICTS = 20;
    static final int CONFLICT_STEP = ROWS_A / CONFLICTS;

    @Test
    void killedSyncsConvergeOnTheNextRun() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.MARIADB, ITEMS).site("b", Kind.PG, ITEMS)) {
            Path config = sites.config("tables: [items]");
            assertThat(JarRuns.start(config, "install", "a").waitFor()).isZero();
            assertThat(JarRuns.start(config, "install", "b").waitFor()).isZero();
            JarRuns.fill(sites, "a", 0, ROWS_A, "a");
            JarRuns.fill(sites, "b", ROWS_A, ROWS_B, "b");
            sites.exec("b", "INSERT INTO items SELECT g * " + CONFLICT_STEP + ", 'b-conflict', 1 "
                    + "FROM generate_series(0, " + (CONFLICTS - 1) + ") g");
            String meta = sites.url("a").substring(sites.url("a").lastIndexOf('/') + 1) + "_dovetail";
            LongSupplier rowsAtA = () -> sites.count("a", "SELECT count(*) FROM items");
            LongSupplier conflictsAtA = () -> sites.count("a", "SELECT count(*) FROM `" + meta + "`.conflict");
            List<String> kills = new ArrayList<>();
            kills.add(JarRuns.killAfter(config, 900));
            kills.add(JarRuns.killWhenGrows(config, rowsAtA, "a batch committed at a"));
            kills.add(JarRuns.killWhenGrows(config, conflictsAtA, "a conflict recorded at a"));
            System.out.println("MariaDbCrashIT kills: " + kills);

            Process last = JarRuns.start(config, "sync", "a", "b");
            assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).isIn(0, 3);
            Process again = JarRuns.start(config, "sync", "a", "b", "--json");
            assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(again.getInputStream().readAllBytes()))
                    .contains("\"pushed\":0,\"pulled\":0,\"conflicts\":0,\"open_conflicts\":0");

            String all = "SELECT id, name, qty, dv_version, dv_origin FROM items ORDER BY id";
            assertThat(sites.rows("a", all)).isEqualTo(sites.rows("b", all));
            assertThat(sites.count("a", "SELECT count(*) FROM items")).isEqualTo(ROWS_A + ROWS_B);
            assertThat(sites.rows("a", "SELECT conflict_id, kind FROM `" + meta + "`.conflict ORDER BY 1"))
                    .isEqualTo(sites.rows("b", "SELECT conflict_id, kind FROM dovetail.conflict ORDER BY 1"))
                    .hasSize(CONFLICTS);
            Process verify = JarRuns.start(config, "verify", "a", "b");
            assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(verify.exitValue()).isZero();
        }
    }
}
