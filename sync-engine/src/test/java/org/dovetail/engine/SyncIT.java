package org.dovetail.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.dovetail.core.DovetailException;
import org.dovetail.core.ExitCode;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.engine.sync.TableOutcome;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sync's core properties, on every pair of database kinds, checked by the rows at both sites. */
class SyncIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final String ALL = "SELECT id, name, qty FROM items ORDER BY id";
    static final String BOOKKEEPING = "SELECT id, dv_version, dv_origin FROM items ORDER BY id";

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.PG, Kind.H2),
                Arguments.of(Kind.H2, Kind.PG), Arguments.of(Kind.H2, Kind.H2));
    }

    private static TestSites sites(Kind a, Kind b) {
        return new TestSites(pg).site("a", a, ITEMS).site("b", b, ITEMS);
    }

    static Dovetail dovetail(TestSites sites, String... tablesYaml) {
        return new Dovetail(new ConfigLoader(System.getenv()).load(sites.config(tablesYaml)), System.getenv());
    }

    private static Dovetail installed(TestSites sites, String... tables) {
        Dovetail d = dovetail(sites, tables.length == 0 ? new String[] {"tables: [items]"} : tables);
        d.install("a");
        d.install("b");
        return d;
    }

    /** A display that wants to know each pass's number of changes up front. */
    private static final class Totals implements org.dovetail.engine.sync.SyncProgress {
        final List<String> started = new java.util.ArrayList<>();

        @Override
        public boolean wantsTotals() {
            return true;
        }

        @Override
        public void starting(String table, boolean push, long changes) {
            started.add(table + (push ? " push " : " pull ") + changes);
        }

        @Override
        public void processed(String table, long rows) {
        }
    }

    private static TableOutcome items(SyncResult r) {
        return r.tables().stream().filter(t -> t.table().equals("items")).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void oneSidedChangesArriveAndASecondSyncFindsNothing(Kind ka, Kind kb) {
        try (TestSites sites = sites(ka, kb)) {
            Dovetail d = installed(sites);
            sites.exec("a", "INSERT INTO items VALUES (1, 'apple', 3)", "INSERT INTO items VALUES (2, 'pear', 5)");
            sites.exec("b", "INSERT INTO items VALUES (10, 'plum', 7)");
            SyncResult first = d.sync(SyncOptions.both("a", "b"));
            assertThat(items(first).pushed()).isEqualTo(2);
            assertThat(items(first).pulled()).isEqualTo(1);
            assertThat(first.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(sites.rows("a", ALL)).isEqualTo(sites.rows("b", ALL)).hasSize(3);
            assertThat(sites.rows("a", BOOKKEEPING)).isEqualTo(sites.rows("b", BOOKKEEPING));

            sites.exec("a", "UPDATE items SET qty = 4 WHERE id = 1", "DELETE FROM items WHERE id = 2");
            sites.exec("b", "UPDATE items SET name = 'damson' WHERE id = 10");
            SyncResult second = d.sync(SyncOptions.both("a", "b"));
            assertThat(items(second).pushed()).isEqualTo(2);
            assertThat(items(second).pulled()).isEqualTo(1);
            assertThat(sites.rows("b", ALL)).containsExactly(List.of("1", "apple", "4"), List.of("10", "damson", "7"));
            assertThat(sites.rows("a", ALL)).isEqualTo(sites.rows("b", ALL));

            List<List<String>> before = sites.rows("a", BOOKKEEPING);
            SyncResult third = d.sync(SyncOptions.both("a", "b"));
            assertThat(items(third).pushed()).isZero();
            assertThat(items(third).pulled()).isZero();
            assertThat(sites.rows("a", BOOKKEEPING)).isEqualTo(before).isEqualTo(sites.rows("b", BOOKKEEPING));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void pushAndPullMoveChangesOneWayOnly(Kind ka, Kind kb) {
        try (TestSites sites = sites(ka, kb)) {
            Dovetail d = installed(sites);
            sites.exec("a", "INSERT INTO items VALUES (1, 'a-only', 1)");
            sites.exec("b", "INSERT INTO items VALUES (2, 'b-only', 2)");
            Totals totals = new Totals();
            SyncResult push = d.sync(new SyncOptions("a", "b", true, false, List.of(), false, totals));
            assertThat(items(push).pushed()).isEqualTo(1);
            assertThat(totals.started).containsExactly("items push 1");
            assertThat(items(push).pulled()).isZero();
            assertThat(sites.rows("a", ALL)).containsExactly(List.of("1", "a-only", "1"));
            assertThat(sites.rows("b", ALL)).hasSize(2);
            SyncResult pull = d.sync(new SyncOptions("a", "b", false, true, List.of(), false, totals));
            assertThat(items(pull).pulled()).isEqualTo(1);
            // b's own row only: the row b received from a is no change of b's to send back
            assertThat(totals.started).containsExactly("items push 1", "items pull 1");
            assertThat(sites.rows("a", ALL)).isEqualTo(sites.rows("b", ALL)).hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void changesTravelThroughAChain(Kind ka, Kind kb) {
        try (TestSites sites = sites(ka, kb).site("c", ka, ITEMS)) {
            Dovetail d = installed(sites);
            d.install("c");
            sites.exec("a", "INSERT INTO items VALUES (1, 'from a', 1)");
            d.sync(SyncOptions.both("a", "b"));
            d.sync(SyncOptions.both("b", "c"));
            assertThat(sites.rows("c", ALL)).containsExactly(List.of("1", "from a", "1"));
            sites.exec("c", "UPDATE items SET qty = 9 WHERE id = 1");
            d.sync(SyncOptions.both("b", "c"));
            SyncResult back = d.sync(SyncOptions.both("a", "b"));
            assertThat(items(back).pulled()).isEqualTo(1);
            assertThat(items(back).conflicts()).isZero();
            assertThat(sites.rows("a", ALL)).containsExactly(List.of("1", "from a", "9"));
            assertThat(sites.rows("a", BOOKKEEPING)).isEqualTo(sites.rows("c", BOOKKEEPING));
            SyncResult quiet = d.sync(SyncOptions.both("a", "b"));
            assertThat(quiet.pushed() + quiet.pulled()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void equalChangesAgreeAndDifferentOnesAreRecordedConflicts(Kind ka, Kind kb) {
        try (TestSites sites = sites(ka, kb)) {
            Dovetail d = installed(sites);
            sites.exec("a", "INSERT INTO items VALUES (1, 'x', 1)", "INSERT INTO items VALUES (2, 'y', 1)");
            d.sync(SyncOptions.both("a", "b"));
            sites.exec("a", "UPDATE items SET qty = 5 WHERE id = 1", "UPDATE items SET qty = 7 WHERE id = 2",
                    "UPDATE items SET qty = 8 WHERE id = 2");
            sites.exec("b", "UPDATE items SET qty = 5 WHERE id = 1", "UPDATE items SET qty = 6 WHERE id = 2");
            SyncResult r = d.sync(SyncOptions.both("a", "b"));
            assertThat(items(r).conflicts()).isEqualTo(1);
            assertThat(r.exitCode()).isEqualTo(ExitCode.CONFLICTS);
            // version policy: a made two edits (version 4) against b's one (version 3)
            assertThat(sites.rows("a", ALL)).isEqualTo(sites.rows("b", ALL))
                    .containsExactly(List.of("1", "x", "5"), List.of("2", "y", "8"));
            String conflicts = "SELECT conflict_id, kind, status, winner, site_a, site_b FROM dovetail.conflict";
            assertThat(sites.rows("a", conflicts)).isEqualTo(sites.rows("b", conflicts))
                    .containsExactly(List.of(sites.rows("a", conflicts).get(0).get(0), "update/update", "auto", "a",
                            "a", "b"));
            SyncResult after = d.sync(SyncOptions.both("a", "b"));
            assertThat(after.conflicts()).isZero();
            assertThat(after.exitCode()).isEqualTo(ExitCode.OK);
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void firstSyncComparesEveryRowAndSameKeyInsertsConflict(Kind ka, Kind kb) {
        try (TestSites sites = sites(ka, kb)) {
            sites.exec("a", "INSERT INTO items VALUES (1, 'same', 1)", "INSERT INTO items VALUES (2, 'a', 1)");
            sites.exec("b", "INSERT INTO items VALUES (1, 'same', 1)", "INSERT INTO items VALUES (2, 'b', 1)");
            Dovetail d = installed(sites);
            SyncResult r = d.sync(SyncOptions.both("a", "b"));
            assertThat(items(r).conflicts()).isEqualTo(1);
            assertThat(sites.rows("a", "SELECT kind FROM dovetail.conflict")).containsExactly(List.of("insert/insert"));
            assertThat(sites.rows("a", ALL)).isEqualTo(sites.rows("b", ALL));
            assertThat(sites.rows("a", BOOKKEEPING)).isEqualTo(sites.rows("b", BOOKKEEPING));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void dryRunChangesNothingAndRunsAreLoggedAtBothSites(Kind ka, Kind kb) {
        try (TestSites sites = sites(ka, kb)) {
            Dovetail d = installed(sites);
            sites.exec("a", "INSERT INTO items VALUES (1, 'x', 1)");
            SyncResult dry = d.sync(new SyncOptions("a", "b", true, true, List.of(), true, null));
            assertThat(items(dry).pushed()).isEqualTo(1);
            assertThat(sites.rows("b", ALL)).isEmpty();
            assertThat(sites.count("a", "SELECT count(*) FROM dovetail.sync_run")).isZero();
            SyncResult real = d.sync(SyncOptions.both("a", "b"));
            assertThat(items(real).pushed()).isEqualTo(1);
            String log = "SELECT run_id, outcome, pushed, pulled FROM dovetail.sync_run";
            assertThat(sites.rows("a", log)).isEqualTo(sites.rows("b", log))
                    .containsExactly(List.of(real.runId(), "ok", "1", "0"));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aShapeMismatchStopsThatTableOnly(Kind ka, Kind kb) {
        try (TestSites sites = sites(ka, kb)) {
            sites.exec("a", "CREATE TABLE notes (id BIGINT PRIMARY KEY, body VARCHAR(50), extra INT)");
            sites.exec("b", "CREATE TABLE notes (id BIGINT PRIMARY KEY, body VARCHAR(50))");
            Dovetail d = installed(sites, "tables: [notes, items]");
            sites.exec("a", "INSERT INTO items VALUES (1, 'x', 1)");
            SyncResult r = d.sync(SyncOptions.both("a", "b"));
            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
            TableOutcome notes = r.tables().get(0);
            assertThat(notes.error()).contains("notes").containsIgnoringCase("'extra' only at a");
            assertThat(items(r).pushed()).isEqualTo(1);
            assertThat(sites.rows("b", ALL)).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void unknownTablesAndSameSiteAreUsageErrors(Kind ka, Kind kb) {
        try (TestSites sites = sites(ka, kb)) {
            Dovetail d = installed(sites);
            assertThatThrownBy(() -> d.sync(new SyncOptions("a", "b", true, true, List.of("nope"), false, null)))
                    .isInstanceOf(DovetailException.class).hasMessageContaining("table 'nope' is not configured");
            assertThatThrownBy(() -> d.sync(SyncOptions.both("a", "a")))
                    .isInstanceOf(DovetailException.class).hasMessageContaining("two different sites");
        }
    }
    /** A column the database computes: read, compared and verified at both sites, never written by the sync. */
    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void tablesWithAGeneratedColumnSyncBothWaysAndVerifyClean(Kind ka, Kind kb) {
        String all = "SELECT id, qty, price, total FROM priced ORDER BY id";
        try (TestSites sites = new TestSites(pg).site("a", ka, priced(ka)).site("b", kb, priced(kb))) {
            Dovetail d = installed(sites, "tables: [priced]");
            sites.exec("a", "INSERT INTO priced (id, qty, price) VALUES (1, 2, 1.50)",
                    "INSERT INTO priced (id, qty, price) VALUES (2, 1, 9.99)");
            sites.exec("b", "INSERT INTO priced (id, qty, price) VALUES (3, 4, 0.25)");
            SyncResult first = d.sync(SyncOptions.both("a", "b"));
            assertThat(first.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(sites.rows("a", all)).isEqualTo(sites.rows("b", all)).hasSize(3);

            sites.exec("a", "UPDATE priced SET qty = 3 WHERE id = 1", "DELETE FROM priced WHERE id = 2");
            sites.exec("b", "UPDATE priced SET price = 0.50 WHERE id = 3");
            SyncResult second = d.sync(SyncOptions.both("a", "b"));
            assertThat(second.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(sites.rows("b", all)).containsExactly(List.of("1", "3", "1.50", "4.50"),
                    List.of("3", "4", "0.50", "2.00"));
            assertThat(sites.rows("a", all)).isEqualTo(sites.rows("b", all));
            assertThat(d.verify("a", "b", List.of()).identical()).isTrue();
        }
    }

    private static String priced(Kind kind) {
        return "CREATE TABLE priced (id BIGINT PRIMARY KEY, qty INT, price NUMERIC(10,2), total NUMERIC(20,2)"
                + " GENERATED ALWAYS AS (qty * price)" + (kind == Kind.PG ? " STORED)" : ")");
    }
}
