package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sync's database connections cut mid-run: exit 1 with one clear line, and the next run completes. */
class FaultIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final int ROWS = 60_000;

    @Test
    void terminatedSessionsFailTheRunCleanlyAndTheNextRunFinishes() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, ITEMS).site("b", Kind.PG, ITEMS)) {
            Path config = sites.config("tables: [items]");
            assertThat(JarRuns.start(config, "install", "a").waitFor()).isZero();
            assertThat(JarRuns.start(config, "install", "b").waitFor()).isZero();
            try (Connection c = sites.connect("a");
                 PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
                c.setAutoCommit(false);
                for (int i = 0; i < ROWS; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, "row " + i);
                    ps.setInt(3, i % 10);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            }
            Process sync = JarRuns.start(config, "sync", "a", "b");
            for (int i = 0; i < 400 && sites.count("b",
                    "SELECT count(*) FROM dovetail.sync_run WHERE outcome = 'running'") == 0; i++) {
                Thread.sleep(25);
            }
            long terminated = 0;
            try (Connection admin = pg.server().connect("postgres"); Statement s = admin.createStatement()) {
                for (int i = 0; i < 200 && terminated == 0; i++) {
                    var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            + "WHERE application_name = 'dovetail' AND datname = '" + dbName(sites, "b") + "'");
                    rs.next();
                    terminated = rs.getLong(1);
                }
            }
            assertThat(terminated).as("the sync's sessions at b were terminated").isPositive();
            assertThat(sync.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = new String(sync.getErrorStream().readAllBytes());
            System.out.println("FaultIT: the cut run said: " + err.strip());
            assertThat(sync.exitValue()).as(err).isEqualTo(1);
            assertThat(err.lines().toList()).hasSize(1);
            assertThat(err).startsWith("error: sync a b failed: ")
                    .containsAnyOf("terminating connection", "connection has been closed").doesNotContain("SQL [");
            Process again = JarRuns.start(config, "sync", "a", "b");
            assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(again.exitValue()).isZero();
            String all = "SELECT id, name, qty, dv_version, dv_origin FROM items ORDER BY id";
            assertThat(sites.rows("b", all)).isEqualTo(sites.rows("a", all)).hasSize(ROWS);
        }
    }

    private static String dbName(TestSites sites, String site) {
        String url = sites.url(site);
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
