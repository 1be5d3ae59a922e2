package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A MariaDB site through the real command line, against a PostgreSQL and an H2 site: install,
 * sync both ways, conflicts recorded at both sites and resolved, refusals, values that must
 * survive the trip exactly.
 */
class MariaDbSiteIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS_MARIADB = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";

    @Test
    void insertsUpdatesDeletesBothWaysWithPostgres() {
        roundTrip(Kind.PG);
    }

    @Test
    void insertsUpdatesDeletesBothWaysWithH2() {
        roundTrip(Kind.H2);
    }

    private void roundTrip(Kind other) {
        try (TestSites sites = new TestSites(pg).site("office", Kind.MARIADB, ITEMS_MARIADB).site("peer", other, ITEMS)) {
            String config = sites.config("tables: [items]").toString();
            sites.exec("office", "INSERT INTO items VALUES (1, 'apple', 3)", "INSERT INTO items VALUES (2, 'pear', 1)");
            sites.exec("peer", "INSERT INTO items VALUES (10, 'plum', 7)");
            ok(CliRun.of("install", "office", "--config", config));
            ok(CliRun.of("install", "peer", "--config", config));

            CliRun first = CliRun.of("sync", "office", "peer", "--config", config);
            ok(first);
            assertThat(first.out()).contains("items  pushed 2  pulled 1  conflicts 0");
            assertSame(sites);

            sites.exec("office", "UPDATE items SET qty = 4 WHERE id = 1", "DELETE FROM items WHERE id = 2",
                    "INSERT INTO items VALUES (3, 'fig', 2)");
            sites.exec("peer", "UPDATE items SET name = 'plum!' WHERE id = 10", "INSERT INTO items VALUES (11, 'kiwi', 5)");
            CliRun second = CliRun.of("sync", "peer", "office", "--config", config);
            ok(second);
            assertThat(second.out()).contains("items  pushed 2  pulled 3  conflicts 0");
            assertSame(sites);

            sites.exec("peer", "DELETE FROM items WHERE id = 3");
            ok(CliRun.of("sync", "office", "peer", "--config", config));
            assertSame(sites);
            ok(CliRun.of("verify", "office", "peer", "--config", config));
        }
    }

    private static void assertSame(TestSites sites) {
        String q = "SELECT id, name, qty FROM items ORDER BY id";
        List<List<String>> office = sites.rows("office", q);
        assertThat(sites.rows("peer", q)).isEqualTo(office);
    }

    private static void ok(CliRun run) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    }
}
