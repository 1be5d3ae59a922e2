package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Key slots through the real command line: the DDL shown, install's report, the keys each site takes, sync, verify. */
class SequenceCliIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ORDERS = "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, item VARCHAR(50))";

    /** A configuration with keys step 10, desk in slot {@code deskSlot} and lap in slot 2. */
    private static String config(TestSites sites, String deskSlot) throws Exception {
        StringBuilder yaml = new StringBuilder("keys:\n  step: 10\nsites:\n");
        for (String site : new String[] {"desk", "lap"}) {
            yaml.append("  ").append(site).append(":\n    url: ").append(sites.url(site)).append("\n    user: ")
                    .append(sites.user(site)).append("\n    slot: ").append(site.equals("desk") ? deskSlot : "2")
                    .append('\n');
        }
        yaml.append("tables: [orders]\n");
        Path file = sites.dir().resolve("slots.yml");
        Files.writeString(file, yaml);
        return file.toString();
    }

    @Test
    void sitesInTheirKeySlotsInsertApartAndSyncCleanly() throws Exception {
        try (TestSites sites = new TestSites(pg).site("desk", Kind.PG, ORDERS).site("lap", Kind.H2, ORDERS)) {
            String config = config(sites, "1");
            sites.exec("desk", "INSERT INTO orders (item) VALUES ('old')");

            CliRun print = CliRun.of("install", "desk", "--print-sql", "--config", config);
            assertThat(print.exitCode()).isZero();
            assertThat(print.out()).contains("-- then the sequences feeding replicated columns hand out only slot 1 of"
                    + " step 10 (keys.step, sites.desk.slot), from above their columns' largest values\n"
                    + "ALTER SEQUENCE \"public\".\"orders_id_seq\" INCREMENT BY 10 RESTART WITH 11;\n");
            sites.exec("desk", "INSERT INTO orders (item) VALUES ('still 1 by 1')");
            assertThat(sites.count("desk", "SELECT max(id) FROM orders")).as("--print-sql changes nothing").isEqualTo(2);

            CliRun desk = CliRun.of("install", "desk", "--config", config);
            assertThat(desk.exitCode()).isZero();
            assertThat(desk.out()).contains("keys  slot 1 of step 10  sequences moved 1\n");
            CliRun lap = CliRun.of("install", "lap", "--config", config);
            assertThat(lap.out()).contains("keys  slot 2 of step 10  sequences moved 1\n");
            assertThat(CliRun.of("install", "lap", "--print-sql", "--config", config).out())
                    .contains("slot 2 of step 10 (keys.step, sites.lap.slot), from above their columns' largest"
                            + " values: all of them do already\n");

            // the rows from before the slots reach lap once, and its sequence moves past them, in its slot
            assertThat(CliRun.of("sync", "desk", "lap", "--config", config).out())
                    .contains("orders  pushed 2  pulled 0  conflicts 0");

            sites.exec("desk", "INSERT INTO orders (item) VALUES ('desk 1')", "INSERT INTO orders (item) VALUES ('desk 2')",
                    "INSERT INTO orders (item) VALUES ('desk 3')");
            sites.exec("lap", "INSERT INTO orders (item) VALUES ('lap 1')");
            assertThat(sites.rows("desk", "SELECT id FROM orders ORDER BY id").toString())
                    .isEqualTo("[[1], [2], [11], [21], [31]]");
            assertThat(sites.rows("lap", "SELECT id FROM orders ORDER BY id").toString()).isEqualTo("[[1], [2], [12]]");

            CliRun sync = CliRun.of("sync", "desk", "lap", "--config", config);
            assertThat(sync.exitCode()).isZero();
            assertThat(sync.out()).contains("orders  pushed 3  pulled 1  conflicts 0");
            CliRun verify = CliRun.of("verify", "desk", "lap", "--config", config);
            assertThat(verify.exitCode()).as(verify.out()).isZero();
            sites.exec("lap", "INSERT INTO orders (item) VALUES ('lap 2')");
            sites.exec("desk", "INSERT INTO orders (item) VALUES ('desk 4')");
            assertThat(sites.count("lap", "SELECT id FROM orders WHERE item = 'lap 2'")).isEqualTo(32);
            assertThat(sites.count("desk", "SELECT id FROM orders WHERE item = 'desk 4'")).isEqualTo(41);
        }
    }

    @Test
    void aSlotOutsideTheStepIsAConfigurationError() throws Exception {
        try (TestSites sites = new TestSites(pg).site("desk", Kind.PG, ORDERS).site("lap", Kind.H2, ORDERS)) {
            String config = config(sites, "11");
            CliRun r = CliRun.of("install", "desk", "--config", config);
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("error: invalid value '11' for 'sites.desk.slot' (expected a whole number"
                    + " from 1 to 10, the keys.step) in " + config + " line 7\n");
            assertThat(r.out()).isEmpty();
            assertThat(sites.count("desk", "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'dovetail'"))
                    .isZero();
        }
    }
}
