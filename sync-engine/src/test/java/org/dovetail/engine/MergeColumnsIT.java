package org.dovetail.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.dovetail.conflicts.Conflict;
import org.dovetail.conflicts.RowCopy;
import org.dovetail.core.ExitCode;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.engine.sync.TableOutcome;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code merge: columns}: a row both sites changed in different columns is merged, at both sites,
 * recorded as {@code merged}, exit 0; the same column, a delete or {@code merge: rows} stay conflicts.
 * Checked by the rows at every site, in pairs, a star and a chain.
 */
class MergeColumnsIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String PEOPLE = "CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(40), phone VARCHAR(20),"
            + " address VARCHAR(60))";
    static final String ALL = "SELECT id, name, phone, address FROM people ORDER BY id";
    static final String BOOKKEEPING = "SELECT id, dv_version, dv_origin, dv_site FROM people ORDER BY id";
    static final String COLUMNS = "conflicts: {merge: columns}\ntables: [people]";

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.PG, Kind.H2), Arguments.of(Kind.SQLITE, Kind.MARIADB),
                Arguments.of(Kind.MARIADB, Kind.PG), Arguments.of(Kind.H2, Kind.SQLITE));
    }

    private static Dovetail installed(TestSites sites, String yaml) {
        Dovetail d = new Dovetail(new ConfigLoader(System.getenv()).load(sites.config(yaml)), System.getenv());
        sites.names().forEach(d::install);
        return d;
    }

    private static TableOutcome people(SyncResult r) {
        return r.tables().get(0);
    }

    /** Both sites hold the row from one sync: the starting point of each test. */
    private static Dovetail seeded(TestSites sites, String yaml) {
        Dovetail d = installed(sites, yaml);
        sites.exec("a", "INSERT INTO people (id, name, phone, address) VALUES (1, 'Ada', '555-0100', 'Elm St 1')",
                "INSERT INTO people (id, name, phone, address) VALUES (2, 'Bo', '555-0200', 'Oak Ave 2')");
        d.sync(SyncOptions.both("a", "b"));
        return d;
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void editsOfDifferentColumnsAreMergedAtBothSites(Kind ka, Kind kb) {
        try (TestSites sites = new TestSites(pg).site("a", ka, PEOPLE).site("b", kb, PEOPLE)) {
            Dovetail d = seeded(sites, COLUMNS);
            sites.exec("a", "UPDATE people SET phone = '555-0199' WHERE id = 1");
            sites.exec("b", "UPDATE people SET address = 'Pine Rd 3' WHERE id = 1",
                    "UPDATE people SET name = 'Bob' WHERE id = 2");

            SyncResult r = d.sync(SyncOptions.both("a", "b"));
            assertThat(r.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(people(r).merged()).isEqualTo(1);
            assertThat(people(r).conflicts()).isZero();
            assertThat(people(r).pulled()).isEqualTo(1); // row 2, one-sided
            assertThat(people(r).pushed()).isZero();
            assertThat(sites.rows("a", ALL)).isEqualTo(sites.rows("b", ALL)).containsExactly(
                    List.of("1", "Ada", "555-0199", "Pine Rd 3"), List.of("2", "Bob", "555-0200", "Oak Ave 2"));
            assertThat(sites.rows("a", BOOKKEEPING)).isEqualTo(sites.rows("b", BOOKKEEPING));

            List<Conflict> merged = d.conflicts("a", "merged", null);
            assertThat(merged).hasSize(1);
            assertThat(d.conflicts("b", "merged", null)).extracting(Conflict::id).containsExactly(merged.get(0).id());
            Conflict record = merged.get(0);
            assertThat(record.kind()).isEqualTo("update/update");
            assertThat(record.winner()).isNull();
            assertThat(RowCopy.fromJson(record.rowA()).columns()).containsEntry("phone", "555-0199")
                    .containsEntry("address", "Elm St 1");
            assertThat(RowCopy.fromJson(record.rowB()).columns()).containsEntry("phone", "555-0100")
                    .containsEntry("address", "Pine Rd 3");
            assertThat(RowCopy.fromJson(record.detail()).columns()).containsEntry("phone", "555-0199")
                    .containsEntry("address", "Pine Rd 3");
            assertThat(d.conflicts("a", "open", null)).isEmpty();

            List<List<String>> before = sites.rows("a", BOOKKEEPING);
            SyncResult again = d.sync(SyncOptions.both("a", "b"));
            assertThat(people(again).pushed() + people(again).pulled() + people(again).merged()).isZero();
            assertThat(sites.rows("a", BOOKKEEPING)).isEqualTo(before).isEqualTo(sites.rows("b", BOOKKEEPING));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void editingOnAfterAMergeMergesAgainNotAConflict(Kind ka, Kind kb) {
        try (TestSites sites = new TestSites(pg).site("a", ka, PEOPLE).site("b", kb, PEOPLE)) {
            Dovetail d = seeded(sites, COLUMNS);
            for (int round = 1; round <= 3; round++) {
                // each site keeps to its column; the other's value arrived in the last merge
                sites.exec("a", "UPDATE people SET phone = '555-01" + round + "0' WHERE id = 1");
                sites.exec("b", "UPDATE people SET address = 'Street " + round + "' WHERE id = 1");
                SyncResult r = d.sync(SyncOptions.both("a", "b"));
                assertThat(people(r).merged()).as("round %d", round).isEqualTo(1);
                assertThat(r.exitCode()).isEqualTo(ExitCode.OK);
                assertThat(sites.rows("b", ALL)).isEqualTo(sites.rows("a", ALL)).first()
                        .isEqualTo(List.of("1", "Ada", "555-01" + round + "0", "Street " + round));
            }
            // and a column one site received in a merge, edited now by the other: one-sided
            sites.exec("a", "UPDATE people SET address = 'Mine now' WHERE id = 1");
            SyncResult r = d.sync(SyncOptions.both("a", "b"));
            assertThat(people(r).pushed()).isEqualTo(1);
            assertThat(sites.rows("b", ALL).get(0)).containsExactly("1", "Ada", "555-0130", "Mine now");
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void theSameColumnADeleteOrMergeRowsStayConflicts(Kind ka, Kind kb) {
        try (TestSites sites = new TestSites(pg).site("a", ka, PEOPLE).site("b", kb, PEOPLE)) {
            Dovetail d = seeded(sites, COLUMNS);
            sites.exec("a", "UPDATE people SET phone = '555-0111' WHERE id = 1", "DELETE FROM people WHERE id = 2");
            sites.exec("b", "UPDATE people SET phone = '555-0122', name = 'Adah' WHERE id = 1",
                    "UPDATE people SET address = 'Gone?' WHERE id = 2");
            SyncResult r = d.sync(SyncOptions.both("a", "b"));
            assertThat(people(r).merged()).isZero();
            assertThat(people(r).conflicts()).isEqualTo(2);
            assertThat(r.exitCode()).isEqualTo(ExitCode.CONFLICTS);
            assertThat(d.conflicts("a", "all", null)).extracting(Conflict::kind)
                    .containsExactlyInAnyOrder("update/update", "delete/update");
            assertThat(sites.rows("a", ALL)).isEqualTo(sites.rows("b", ALL));
        }
        try (TestSites sites = new TestSites(pg).site("a", ka, PEOPLE).site("b", kb, PEOPLE)) {
            Dovetail d = seeded(sites, "tables: [people]");
            sites.exec("a", "UPDATE people SET phone = '555-0199' WHERE id = 1");
            sites.exec("b", "UPDATE people SET address = 'Pine Rd 3' WHERE id = 1");
            SyncResult r = d.sync(SyncOptions.both("a", "b"));
            assertThat(people(r).merged()).isNull(); // merge: rows, no count
            assertThat(people(r).conflicts()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aStarMergesEditsFromEverySpoke(Kind hub, Kind spokes) {
        try (TestSites sites = new TestSites(pg).site("a", hub, PEOPLE).site("b", spokes, PEOPLE)
                .site("c", spokes, PEOPLE)) {
            Dovetail d = seeded(sites, COLUMNS);
            d.sync(SyncOptions.both("a", "c"));
            sites.exec("b", "UPDATE people SET phone = 'from b' WHERE id = 1");
            sites.exec("c", "UPDATE people SET address = 'from c' WHERE id = 1", "UPDATE people SET name = 'C' WHERE id = 2");
            sites.exec("a", "UPDATE people SET name = 'from a' WHERE id = 1");
            for (String spoke : List.of("b", "c", "b")) {
                SyncResult r = d.sync(SyncOptions.both("a", spoke));
                assertThat(r.exitCode()).as("hub with %s", spoke).isEqualTo(ExitCode.OK);
            }
            d.sync(SyncOptions.both("a", "c"));
            List<List<String>> expected = List.of(List.of("1", "from a", "from b", "from c"),
                    List.of("2", "C", "555-0200", "Oak Ave 2"));
            for (String site : List.of("a", "b", "c")) {
                assertThat(sites.rows(site, ALL)).as(site).isEqualTo(expected);
            }
            assertThat(d.conflicts("a", "open", null)).isEmpty();
            assertThat(d.conflicts("a", "auto", null)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aChainCarriesEachSitesColumnToTheOtherEnd(Kind ends, Kind middle) {
        try (TestSites sites = new TestSites(pg).site("a", ends, PEOPLE).site("b", middle, PEOPLE)
                .site("c", ends, PEOPLE)) {
            Dovetail d = seeded(sites, COLUMNS);
            d.sync(SyncOptions.both("b", "c"));
            sites.exec("a", "UPDATE people SET phone = 'from a' WHERE id = 1");
            sites.exec("c", "UPDATE people SET address = 'from c' WHERE id = 1");
            d.sync(SyncOptions.both("a", "b"));
            SyncResult bc = d.sync(SyncOptions.both("b", "c"));
            assertThat(people(bc).merged()).isEqualTo(1);
            SyncResult ab = d.sync(SyncOptions.both("a", "b"));
            assertThat(ab.exitCode()).isEqualTo(ExitCode.OK);
            for (String site : List.of("a", "b", "c")) {
                assertThat(sites.rows(site, ALL).get(0)).as(site).containsExactly("1", "Ada", "from a", "from c");
            }
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aTableInstalledUnderMergeRowsIsStoppedWithTheSiteToReinstall(Kind ka, Kind kb) {
        try (TestSites sites = new TestSites(pg).site("a", ka, PEOPLE).site("b", kb, PEOPLE)) {
            installed(sites, "tables: [people]");
            Dovetail d = new Dovetail(new ConfigLoader(System.getenv()).load(sites.config(COLUMNS)), System.getenv());
            d.install("a");
            SyncResult r = d.sync(SyncOptions.both("a", "b"));
            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(people(r).error()).isEqualTo("table people is under merge: columns but site b does not keep"
                    + " its column changes yet (run: dovetail install b)");
        }
    }
}
