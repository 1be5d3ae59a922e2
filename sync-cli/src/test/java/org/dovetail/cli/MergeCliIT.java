package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's column-merge walk-through through the real command line: two sites change different
 * columns of the same 1,000 rows; under {@code merge: columns} the sync exits 0 with both sets of
 * edits at both sites and {@code merged 1000}, the records are listed with {@code --status merged}
 * and shown beside the result; under {@code merge: rows} the same edits are 1,000 conflicts.
 */
class MergeCliIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String PEOPLE = "CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(40), phone VARCHAR(20),"
            + " address VARCHAR(60))";
    static final int ROWS = 1000;

    static Stream<Arguments> pairs() {
        // each kind once; MergeColumnsIT (sync-engine) runs the merge rules on every kind at both ends
        return Stream.of(Arguments.of(Kind.PG, Kind.H2), Arguments.of(Kind.SQLITE, Kind.MARIADB));
    }

    private static String seeded(TestSites sites, String merge) {
        String config = sites.config("conflicts:", "  merge: " + merge, "tables: [people]").toString();
        for (String site : List.of("laptop", "desktop")) {
            assertThat(CliRun.of("install", site, "--config", config).exitCode()).isZero();
        }
        StringBuilder insert = new StringBuilder("INSERT INTO people (id, name, phone, address) VALUES ");
        for (int i = 1; i <= ROWS; i++) {
            insert.append(i > 1 ? ", " : "").append("(").append(i).append(", 'name ").append(i)
                    .append("', '555-0000', 'Old Road ").append(i).append("')");
        }
        sites.exec("laptop", insert.toString());
        assertThat(CliRun.of("sync", "laptop", "desktop", "--config", config).exitCode()).isZero();
        sites.exec("laptop", "UPDATE people SET phone = '555-1111'");
        sites.exec("desktop", "UPDATE people SET address = 'New Street 9'");
        return config;
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void differentColumnsOfTheSameRowsAreMergedAndAuditedUnderMergeColumns(Kind laptop, Kind desktop) {
        try (TestSites sites = new TestSites(pg).site("laptop", laptop, PEOPLE).site("desktop", desktop, PEOPLE)) {
            String config = seeded(sites, "columns");
            CliRun sync = CliRun.of("sync", "laptop", "desktop", "--config", config);
            assertThat(sync.exitCode()).isZero();
            assertThat(sync.outLines().get(0)).isEqualTo("people  pushed 0  pulled 0  conflicts 0  merged 1000");
            assertThat(sync.outLines().get(1)).startsWith("total   pushed 0  pulled 0  conflicts 0  merged 1000  in ");
            String both = "SELECT count(*) FROM people WHERE phone = '555-1111' AND address = 'New Street 9'";
            assertThat(sites.count("laptop", both)).isEqualTo(ROWS);
            assertThat(sites.count("desktop", both)).isEqualTo(ROWS);

            CliRun list = CliRun.of("conflicts", "list", "desktop", "--status", "merged", "--format", "csv",
                    "--config", config);
            assertThat(list.exitCode()).isZero();
            assertThat(list.outLines()).hasSize(ROWS + 1);
            String record = list.outLines().get(1);
            assertThat(record).contains(",people,", ",update/update,merged,");
            assertThat(CliRun.of("conflicts", "list", "desktop", "--status", "open", "--format", "csv",
                    "--config", config).outLines()).hasSize(1);

            CliRun show = CliRun.of("conflicts", "show", "laptop", record.split(",")[0], "--config", config);
            assertThat(show.exitCode()).isZero();
            assertThat(show.out()).contains("status merged  winner (none: merged by column)");
            assertThat(show.outLines()).anyMatch(l -> l.matches("phone\\s+555-0000\\s+555-1111\\s+555-1111\\s+\\*\\s*")
                    || l.matches("phone\\s+555-1111\\s+555-0000\\s+555-1111\\s+\\*\\s*"));

            CliRun again = CliRun.of("sync", "laptop", "desktop", "--config", config);
            assertThat(again.exitCode()).isZero();
            assertThat(again.outLines().get(0)).isEqualTo("people  pushed 0  pulled 0  conflicts 0  merged 0");
            assertThat(CliRun.of("verify", "laptop", "desktop", "--config", config).exitCode()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void theSameEditsAreConflictsUnderMergeRows(Kind laptop, Kind desktop) {
        try (TestSites sites = new TestSites(pg).site("laptop", laptop, PEOPLE).site("desktop", desktop, PEOPLE)) {
            String config = seeded(sites, "rows");
            CliRun sync = CliRun.of("sync", "laptop", "desktop", "--config", config);
            assertThat(sync.exitCode()).isEqualTo(3);
            assertThat(sync.outLines().get(0)).matches("people  pushed \\d+  pulled \\d+  conflicts 1000");
        }
    }
}
