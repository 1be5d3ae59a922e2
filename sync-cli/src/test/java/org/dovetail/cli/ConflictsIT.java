package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dovetail.cli.ConflictsFixture.A1;
import static org.dovetail.cli.ConflictsFixture.A4;
import static org.dovetail.cli.ConflictsFixture.A5;
import static org.dovetail.cli.ConflictsFixture.B1;
import static org.dovetail.cli.ConflictsFixture.B4;
import static org.dovetail.cli.ConflictsFixture.B5;
import static org.dovetail.cli.ConflictsFixture.ROW2;
import static org.dovetail.cli.ConflictsFixture.ROW3;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conflict feature end to end through the real command line (SPEC section 4, README
 * "Conflicts" and "Reviewing conflicts"): every kind and policy, the review commands, the
 * admin override, the spreadsheet round trip and the dry run, on PostgreSQL-PostgreSQL and
 * PostgreSQL-H2, with the rows at both sites checked by plain JDBC.
 */
class ConflictsIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRICKY = "Smith, \"Jr.\"\nsecond line, \"quoted\"";

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.PG, Kind.H2));
    }

    /** Pairs, each synced once as {@code sync a b} and once as {@code sync b a}. */
    static Stream<Arguments> pairsAndOrders() {
        return pairs().flatMap(p -> Stream.of(Arguments.of(p.get()[0], p.get()[1], "a b"),
                Arguments.of(p.get()[0], p.get()[1], "b a")));
    }

    /** Pairs x policies x where the policy is set (per table, or as the global default). */
    static Stream<Arguments> policies() {
        List<Arguments> out = new ArrayList<>();
        pairs().forEach(p -> {
            for (String policy : List.of("version", "prefer:b", "newest")) {
                for (String scope : List.of("table", "global")) {
                    out.add(Arguments.of(p.get()[0], p.get()[1], policy, scope));
                }
            }
        });
        return out.stream();
    }

    static Stream<Arguments> manualScopes() {
        return pairs().flatMap(p -> Stream.of(Arguments.of(p.get()[0], p.get()[1], "table"),
                Arguments.of(p.get()[0], p.get()[1], "global")));
    }

    /**
     * The YAML for a policy: per table (with a global default that would decide differently,
     * so the table's own policy must win) or as the global default.
     */
    private static String[] policyYaml(String policy, String scope) {
        if (scope.equals("global")) {
            return new String[] {"tables: [items]", "conflicts: {policy: " + policy + "}"};
        }
        String otherwise = policy.equals("version") ? "prefer:b" : "version";
        return new String[] {"tables: [{name: items, policy: " + policy + "}]", "conflicts:", "  policy: " + otherwise};
    }

    private static String[] args(String command) {
        return command.split(" ");
    }

    private static String itemsLine(CliRun r) {
        return r.out().lines().filter(l -> l.startsWith("items ")).findFirst().orElse("");
    }

    // 1. kinds ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}-{1} sync {2}")
    @MethodSource("pairsAndOrders")
    void everyKindIsRecordedAtBothSitesUnderOneIdRelativeToTheSortedSiteNames(Kind ka, Kind kb, String order)
            throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            f.exec("a", "INSERT INTO items VALUES (1, 'one', 1)", "INSERT INTO items VALUES (2, 'two', 2)",
                    "INSERT INTO items VALUES (3, 'three', 3)");
            f.sync(0, args("sync " + order));
            // key 1 update/update: b edits twice (v3) against a's one (v2): b wins
            // key 2 update/delete: a updates twice (v3), b deletes (v2): a's update wins over the delete
            // key 3 delete/update: a updates then deletes (v3), b updates (v2): the delete wins
            // key 4 insert/insert: both insert the new key (v1 each, different origins); b's is later
            f.exec("a", "UPDATE items SET qty = 11 WHERE id = 1",
                    "UPDATE items SET qty = 21 WHERE id = 2", "UPDATE items SET qty = 22 WHERE id = 2",
                    "UPDATE items SET qty = 31 WHERE id = 3", "DELETE FROM items WHERE id = 3",
                    "INSERT INTO items VALUES (4, 'a-four', 4)");
            f.exec("b", "UPDATE items SET name = 'b1' WHERE id = 1", "UPDATE items SET name = 'b1x' WHERE id = 1",
                    "DELETE FROM items WHERE id = 2", "UPDATE items SET name = 'b3' WHERE id = 3");
            ConflictsFixture.pause();
            f.exec("b", "INSERT INTO items VALUES (4, 'b-four', 40)");
            List<String> aOrigin4 = f.rows("a", "SELECT dv_origin FROM items WHERE id = 4").get(0);
            List<String> bOrigin4 = f.rows("b", "SELECT dv_origin FROM items WHERE id = 4").get(0);
            assertThat(aOrigin4).isNotEqualTo(bOrigin4);

            CliRun sync = f.sync(3, args("sync " + order));
            assertThat(itemsLine(sync)).matches("items\\s+pushed \\d+  pulled \\d+  conflicts 4.*");

            Map<String, Map<String, String>> atA = f.byKey("a");
            Map<String, Map<String, String>> atB = f.byKey("b");
            assertThat(atA.keySet()).containsExactlyInAnyOrder("1", "2", "3", "4");
            Map<String, List<String>> expected = Map.of(
                    "1", List.of("update/update", "auto", "b"),
                    "2", List.of("update/delete", "auto", "a"),
                    "3", List.of("delete/update", "auto", "a"),
                    "4", List.of("insert/insert", "auto", "b"));
            for (Map.Entry<String, List<String>> e : expected.entrySet()) {
                for (Map<String, Map<String, String>> at : List.of(atA, atB)) {
                    Map<String, String> c = at.get(e.getKey());
                    assertThat(List.of(c.get("kind"), c.get("status"), c.get("winner")))
                            .as("kind, status, winner of key %s", e.getKey()).isEqualTo(e.getValue());
                    assertThat(c.get("table")).isEqualTo("items");
                    assertThat(c.get("detected_at")).isNotBlank();
                    assertThat(c.get("id")).as("same id at both sites").isEqualTo(atA.get(e.getKey()).get("id"));
                }
            }
            f.bothHold(List.of(List.of("1", "b1x", "1"), List.of("2", "two", "22"), List.of("4", "b-four", "40")));
            assertThat(f.rows("a", "SELECT dv_origin FROM items WHERE id = 4").get(0)).isEqualTo(bOrigin4);
            assertThat(f.list("a", "--status", "open")).isEmpty();

            CliRun again = f.sync(0, args("sync " + order));
            assertThat(itemsLine(again)).matches("items\\s+pushed 0  pulled 0  conflicts 0.*");
            assertThat(f.list("a")).hasSize(4);
            assertThat(f.list("b")).hasSize(4);
        }
    }

    // 2. policies ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}-{1} {2} per {3}")
    @MethodSource("policies")
    void anAutomaticPolicyPicksTheWinnerAndBothSitesEndIdentical(Kind ka, Kind kb, String policy, String scope)
            throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb, policyYaml(policy, scope))) {
            f.threeConflicts();
            CliRun sync = f.sync(3);
            assertThat(itemsLine(sync)).matches("items\\s+pushed \\d+  pulled \\d+  conflicts 3.*");
            // key 1: a has more edits, b's are later; key 4: one edit each, b's later; key 5: b more, a later
            Map<String, String> winners = switch (policy) {
                case "version" -> Map.of("1", "a", "4", "b", "5", "b");
                case "prefer:b" -> Map.of("1", "b", "4", "b", "5", "b");
                case "newest" -> Map.of("1", "b", "4", "b", "5", "a");
                default -> throw new IllegalArgumentException(policy);
            };
            Map<String, Map<String, String>> atA = f.byKey("a");
            Map<String, Map<String, String>> atB = f.byKey("b");
            assertThat(atA.keySet()).containsExactlyInAnyOrder("1", "4", "5");
            for (String key : winners.keySet()) {
                for (Map<String, Map<String, String>> at : List.of(atA, atB)) {
                    Map<String, String> c = at.get(key);
                    assertThat(List.of(c.get("kind"), c.get("status"), c.get("winner"), c.get("policy")))
                            .as("key %s", key).isEqualTo(List.of("update/update", "auto", winners.get(key), policy));
                }
                assertThat(atB.get(key).get("id")).isEqualTo(atA.get(key).get("id"));
            }
            f.bothHold(List.of(winners.get("1").equals("a") ? A1 : B1, ROW2, ROW3,
                    winners.get("4").equals("a") ? A4 : B4, winners.get("5").equals("a") ? A5 : B5));
            f.sync(0);
        }
    }

    @ParameterizedTest(name = "{0}-{1} manual per {2}")
    @MethodSource("manualScopes")
    void manualHoldsTheKeyAtBothSitesWhileOtherRowsKeepSyncing(Kind ka, Kind kb, String scope) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb, policyYaml("manual", scope))) {
            f.threeConflicts();
            CliRun sync = f.sync(3);
            assertThat(itemsLine(sync)).matches("items\\s+pushed \\d+  pulled \\d+  conflicts 3.*");
            for (String site : List.of("a", "b")) {
                List<Map<String, String>> list = f.list(site);
                assertThat(list).hasSize(3);
                for (Map<String, String> c : list) {
                    assertThat(List.of(c.get("kind"), c.get("status"), c.get("winner"), c.get("policy")))
                            .isEqualTo(List.of("update/update", "open", "", "manual"));
                }
                assertThat(f.list(site, "--status", "open")).hasSize(3);
                assertThat(f.list(site, "--status", "auto")).isEmpty();
            }
            f.idOf("1");
            f.idOf("4");
            f.idOf("5");
            // the one-sided rows 2 and 3 moved in the same run; the held keys kept each site's own copy
            assertThat(f.rows("a")).containsExactly(A1, ROW2, ROW3, A4, A5);
            assertThat(f.rows("b")).containsExactly(B1, ROW2, ROW3, B4, B5);
            Map<String, List<List<String>>> held = new LinkedHashMap<>();
            for (String site : List.of("a", "b")) {
                held.put(site, List.of(f.full(site, 1), f.full(site, 4), f.full(site, 5)));
            }

            f.exec("a", "UPDATE items SET qty = 21 WHERE id = 2");
            f.exec("b", "INSERT INTO items VALUES (6, 'six', 6)");
            CliRun second = f.sync(3);
            assertThat(itemsLine(second)).matches("items\\s+pushed 1  pulled 1  conflicts 0.*");
            CliRun third = f.sync(3);
            assertThat(itemsLine(third)).matches("items\\s+pushed 0  pulled 0  conflicts 0.*");
            for (String site : List.of("a", "b")) {
                assertThat(List.of(f.full(site, 1), f.full(site, 4), f.full(site, 5)))
                        .as("held keys untouched at %s", site).isEqualTo(held.get(site));
                assertThat(f.rows(site)).contains(List.of("2", "two", "21"), List.of("6", "six", "6"));
                assertThat(f.list(site, "--status", "open")).hasSize(3);
            }
        }
    }

    // 3. show -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void showPrintsBothCopiesSideBySideAndAnUnknownIdIsAUsageError(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            f.threeConflicts();
            f.sync(3);
            String id = f.idOf("1");
            for (String site : List.of("a", "b")) {
                CliRun show = f.cli("conflicts", "show", site, id);
                assertThat(show.exitCode()).as(show.err()).isZero();
                assertThat(show.err()).isEmpty();
                assertThat(show.out()).contains("conflict " + id, "items", "update/update", "auto");
                Map<String, List<String>> cells = sideBySide(show.out());
                assertThat(cells.get("id")).containsExactly("1", "1", "");
                assertThat(cells.get("name")).containsExactly("one", "b-one", "*");
                assertThat(cells.get("qty")).containsExactly("12", "1", "*");
                assertThat(cells.get("dv_version")).containsExactly("3", "2", "*");
                assertThat(cells.get("dv_site")).containsExactly("a", "b", "*");
                assertThat(cells.get("dv_origin").get(2)).isEmpty();
                assertThat(cells.get("dv_origin").get(0)).isEqualTo(cells.get("dv_origin").get(1)).isNotBlank();
                assertThat(cells).containsKey("dv_changed_at");
            }
            CliRun unknown = f.cli("conflicts", "show", "a", "zzzz9999");
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.err()).isEqualTo("error: no conflict 'zzzz9999' at site 'a'\n");
            assertThat(unknown.out()).isEmpty();
        }
    }

    /** The side-by-side table of {@code conflicts show}: column name to (site_a value, site_b value, mark). */
    private static Map<String, List<String>> sideBySide(String out) {
        List<String> lines = out.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("column\\s+a\\s+b\\s+differs")) {
                header = i;
            }
        }
        assertThat(header).as("side-by-side header 'column a b differs' in:%n%s", out).isNotNegative();
        Map<String, List<String>> cells = new LinkedHashMap<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            String[] parts = line.strip().split("\\s{2,}");
            assertThat(parts.length).as("cells of '%s'", line).isBetween(3, 4);
            cells.put(parts[0], List.of(parts[1], parts[2], parts.length == 4 ? parts[3] : ""));
        }
        return cells;
    }

    // 4. resolve ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void resolveKeepingTheOtherCopyIsCarriedByTheNextSyncAndKeepingTheWinnerConfirms(Kind ka, Kind kb)
            throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            f.threeConflicts();
            f.sync(3);
            String id1 = f.idOf("1");
            String id4 = f.idOf("4");
            String id5 = f.idOf("5");
            // version policy: a won key 1 (v3 against b's v2), b won key 4 (tie, later)
            assertThat(f.full("b", 1).subList(0, 4)).isEqualTo(List.of("1", "one", "12", "3"));

            CliRun override = f.cli("conflicts", "resolve", "a", id1, "--keep", "b");
            assertThat(override.exitCode()).as(override.err()).isZero();
            assertThat(override.out()).contains(id1, "resolved, kept b");
            assertThat(f.rows("a", "SELECT id, name, qty FROM items WHERE id = 1")).containsExactly(B1);
            assertThat(f.version("a", 1)).isGreaterThan(3);
            Map<String, String> atA = f.byKey("a").get("1");
            assertThat(List.of(atA.get("status"), atA.get("kept"))).isEqualTo(List.of("resolved", "b"));
            assertThat(atA.get("resolved_by")).isNotBlank();
            assertThat(f.byKey("b").get("1").get("status")).as("at b before the next sync").isEqualTo("auto");

            List<String> a4 = f.full("a", 4);
            List<String> b4 = f.full("b", 4);
            CliRun confirm = f.cli("conflicts", "resolve", "a", id4, "--keep", "b");
            assertThat(confirm.exitCode()).as(confirm.err()).isZero();
            assertThat(confirm.out()).contains(id4, "resolved, kept b");
            assertThat(f.full("a", 4)).as("confirming the winner writes no row").isEqualTo(a4);

            CliRun sync = f.sync(0);
            assertThat(itemsLine(sync)).matches("items\\s+pushed 1  pulled 0  conflicts 0.*");
            f.bothHold(List.of(B1, ROW2, ROW3, B4, B5));
            assertThat(f.version("b", 1)).isEqualTo(f.version("a", 1)).isGreaterThan(3);
            assertThat(f.full("a", 4)).isEqualTo(a4);
            assertThat(f.full("b", 4)).isEqualTo(b4);
            for (String site : List.of("a", "b")) {
                Map<String, Map<String, String>> at = f.byKey(site);
                assertThat(List.of(at.get("1").get("status"), at.get("1").get("kept"))).as("key 1 at %s", site)
                        .isEqualTo(List.of("resolved", "b"));
                assertThat(at.get("1").get("resolved_by")).isNotBlank().isEqualTo(atA.get("resolved_by"));
                assertThat(List.of(at.get("4").get("status"), at.get("4").get("kept"))).as("key 4 at %s", site)
                        .isEqualTo(List.of("resolved", "b"));
                assertThat(at.get("4").get("resolved_by")).isNotBlank();
                assertThat(List.of(at.get("5").get("id"), at.get("5").get("status"), at.get("5").get("kept")))
                        .as("key 5 at %s", site).isEqualTo(List.of(id5, "auto", ""));
            }
            f.sync(0);
            f.bothHold(List.of(B1, ROW2, ROW3, B4, B5));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void resolveAllKeepsOneSitesCopyForEveryConflictOfTheTable(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            f.threeConflicts();
            f.sync(3);
            List<String> ids = List.of(f.idOf("1"), f.idOf("4"), f.idOf("5"));
            CliRun all = f.cli("conflicts", "resolve", "a", "--all", "--table", "items", "--keep", "a");
            assertThat(all.exitCode()).as(all.err()).isZero();
            for (String id : ids) {
                assertThat(all.out()).contains(id + "  resolved, kept a");
            }
            assertThat(f.list("a", "--status", "resolved")).hasSize(3);
            f.sync(0);
            f.bothHold(List.of(A1, ROW2, ROW3, A4, A5));
            assertThat(f.version("a", 4)).isGreaterThan(2);
            assertThat(f.version("a", 5)).isGreaterThan(3);
            for (String site : List.of("a", "b")) {
                for (Map<String, String> c : f.list(site)) {
                    assertThat(List.of(c.get("status"), c.get("kept"))).as("%s at %s", c.get("key"), site)
                            .isEqualTo(List.of("resolved", "a"));
                    assertThat(c.get("resolved_by")).isNotBlank();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void manualConflictsChangedAgainAreHeldShownNewestAndResolvedIntoBothSites(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb, policyYaml("manual", "table"))) {
            f.threeConflicts();
            f.sync(3);
            String id1 = f.idOf("1");
            String id4 = f.idOf("4");
            String id5 = f.idOf("5");
            List<String> b1 = f.full("b", 1);
            List<String> a4 = f.full("a", 4);

            // key 1 changes again at a only, key 4 at b only: held, not applied at the other site
            f.exec("a", "UPDATE items SET qty = 13 WHERE id = 1");
            f.exec("b", "UPDATE items SET name = 'b-four-2' WHERE id = 4");
            List<String> a1 = f.full("a", 1);
            // before a sync has brought the record up to date, resolving at a would undo the newer edit
            CliRun stale = f.cli("conflicts", "resolve", "a", id1, "--keep", "b");
            assertThat(stale.exitCode()).as(stale.err()).isEqualTo(2);
            assertThat(stale.err()).isEqualTo("error: conflict " + id1 + ": the row changed at a after the conflict "
                    + "was recorded; sync the pair, then review it again\n");
            assertThat(f.full("a", 1)).isEqualTo(a1);
            assertThat(f.byKey("a").get("1").get("status")).isEqualTo("open");
            f.sync(3);
            assertThat(f.full("b", 1)).as("a's newer key 1 is held back from b").isEqualTo(b1);
            assertThat(f.full("a", 4)).as("b's newer key 4 is held back from a").isEqualTo(a4);
            assertThat(f.rows("a", "SELECT id, name, qty FROM items WHERE id = 1"))
                    .containsExactly(List.of("1", "one", "13"));
            assertThat(f.rows("b", "SELECT id, name, qty FROM items WHERE id = 4"))
                    .containsExactly(List.of("4", "b-four-2", "4"));
            assertThat(f.idOf("1")).isEqualTo(id1);
            assertThat(f.idOf("4")).isEqualTo(id4);
            for (String site : List.of("a", "b")) {
                assertThat(f.list(site, "--status", "open")).hasSize(3);
                Map<String, List<String>> one = sideBySide(f.cli("conflicts", "show", site, id1).out());
                assertThat(one.get("qty")).as("show %s %s", site, id1).containsExactly("13", "1", "*");
                assertThat(one.get("dv_version")).containsExactly("4", "2", "*");
                Map<String, List<String>> four = sideBySide(f.cli("conflicts", "show", site, id4).out());
                assertThat(four.get("name")).as("show %s %s", site, id4).containsExactly("four", "b-four-2", "*");
                assertThat(four.get("dv_version")).containsExactly("2", "3", "*");
            }

            for (String[] resolve : new String[][] {{"a", id1, "a"}, {"a", id4, "b"}, {"b", id5, "b"}}) {
                CliRun r = f.cli("conflicts", "resolve", resolve[0], resolve[1], "--keep", resolve[2]);
                assertThat(r.exitCode()).as("resolve %s %s: %s", resolve[0], resolve[1], r.err()).isZero();
                assertThat(r.out()).contains(resolve[1], "resolved, kept " + resolve[2]);
            }
            f.sync(0);
            f.bothHold(List.of(List.of("1", "one", "13"), ROW2, ROW3, List.of("4", "b-four-2", "4"), B5));
            assertThat(f.version("a", 1)).isGreaterThan(4);
            assertThat(f.version("a", 4)).isGreaterThan(3);
            assertThat(f.version("a", 5)).isGreaterThan(3);
            Map<String, String> kept = Map.of("1", "a", "4", "b", "5", "b");
            for (String site : List.of("a", "b")) {
                Map<String, Map<String, String>> at = f.byKey(site);
                for (Map.Entry<String, String> e : kept.entrySet()) {
                    Map<String, String> c = at.get(e.getKey());
                    assertThat(List.of(c.get("status"), c.get("kept"))).as("key %s at %s", e.getKey(), site)
                            .isEqualTo(List.of("resolved", e.getValue()));
                    assertThat(c.get("resolved_by")).isNotBlank();
                }
            }
            f.sync(0);
            f.bothHold(List.of(List.of("1", "one", "13"), ROW2, ROW3, List.of("4", "b-four-2", "4"), B5));
        }
    }

    // 5. export / import ----------------------------------------------------------------------

    /** Key 1 (winner a, b's copy has a name with commas, quotes and a newline), 4 and 5 (winner b). */
    private static void exportScenario(ConflictsFixture f) {
        f.seed();
        f.exec("a", "UPDATE items SET qty = 11 WHERE id = 1", "UPDATE items SET qty = 12 WHERE id = 1",
                "UPDATE items SET qty = 41 WHERE id = 4", "UPDATE items SET qty = 51 WHERE id = 5");
        ConflictsFixture.pause();
        f.exec("b", "UPDATE items SET name = '" + TRICKY + "' WHERE id = 1",
                "UPDATE items SET name = 'b-four' WHERE id = 4", "UPDATE items SET name = 'b-five' WHERE id = 5");
        f.sync(3);
    }

    private static List<Map<String, String>> export(ConflictsFixture f, Path file) throws IOException {
        CliRun export = f.cli("conflicts", "export", "a", "--format", "csv", "--output", file.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.err()).isEmpty();
        List<String> needed = new ArrayList<>(ConflictsFixture.LIST_HEADER);
        needed.add("decision");
        return ConflictsFixture.parseCsv(Files.readString(file, StandardCharsets.UTF_8), needed);
    }

    /** Writes records back as a spreadsheet would save them: every column, the header first. */
    private static void write(Path file, List<Map<String, String>> records) throws IOException {
        List<String> header = new ArrayList<>(records.get(0).keySet());
        StringBuilder out = new StringBuilder();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                .setHeader(header.toArray(String[]::new)).build())) {
            for (Map<String, String> r : records) {
                csv.printRecord(header.stream().map(r::get).toList());
            }
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }

    private static Map<String, String> withKey(List<Map<String, String>> records, String key) {
        return records.stream().filter(r -> r.get("key").equals(key)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void exportedCsvRoundTripsAndImportResolvesExactlyTheFilledRows(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            exportScenario(f);
            Path file = f.sites.dir().resolve("review.csv");
            List<Map<String, String>> records = export(f, file);
            assertThat(records).hasSize(3);
            assertThat(records).allSatisfy(r -> assertThat(r.get("decision")).isEmpty());
            Map<String, String> one = withKey(records, "1");
            Map<String, String> rowB = JSON.readValue(one.get("row_b"), new TypeReference<Map<String, String>>() { });
            Map<String, String> rowA = JSON.readValue(one.get("row_a"), new TypeReference<Map<String, String>>() { });
            assertThat(rowB.get("name")).isEqualTo(TRICKY);
            assertThat(rowA.get("name")).isEqualTo("one");
            assertThat(List.of(one.get("kind"), one.get("status"), one.get("winner")))
                    .isEqualTo(List.of("update/update", "auto", "a"));

            withKey(records, "1").put("decision", "b");
            withKey(records, "5").put("decision", "a");
            write(file, records);
            CliRun imported = f.cli("conflicts", "import", "a", file.toString());
            assertThat(imported.exitCode()).as(imported.err()).isZero();
            assertThat(imported.err()).isEmpty();
            assertThat(imported.out()).contains(one.get("id"), withKey(records, "5").get("id"))
                    .doesNotContain(withKey(records, "4").get("id"));

            Map<String, Map<String, String>> atA = f.byKey("a");
            assertThat(List.of(atA.get("1").get("status"), atA.get("1").get("kept"))).isEqualTo(List.of("resolved", "b"));
            assertThat(List.of(atA.get("5").get("status"), atA.get("5").get("kept"))).isEqualTo(List.of("resolved", "a"));
            assertThat(List.of(atA.get("4").get("status"), atA.get("4").get("kept"))).isEqualTo(List.of("auto", ""));

            f.sync(0);
            f.bothHold(List.of(List.of("1", TRICKY, "1"), List.of("2", "two", "2"), List.of("4", "b-four", "4"),
                    List.of("5", "five", "51")));
            Map<String, Map<String, String>> atB = f.byKey("b");
            assertThat(List.of(atB.get("1").get("status"), atB.get("1").get("kept"))).isEqualTo(List.of("resolved", "b"));
            assertThat(List.of(atB.get("5").get("status"), atB.get("5").get("kept"))).isEqualTo(List.of("resolved", "a"));
            assertThat(atB.get("4").get("status")).isEqualTo("auto");
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void anImportWithOneBadRowNamesItsLineAndAppliesNothing(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            exportScenario(f);
            Path file = f.sites.dir().resolve("review.csv");
            List<Map<String, String>> records = export(f, file);
            records.sort(java.util.Comparator.comparing(r -> r.get("key")));
            List<List<String>> rowsA = f.rows("a", ConflictsFixture.FULL);
            List<List<String>> rowsB = f.rows("b", ConflictsFixture.FULL);
            List<Map<String, String>> listA = f.list("a");
            List<Map<String, String>> listB = f.list("b");

            // line 2: a good decision; line 3: an id no site knows; line 4: blank
            List<Map<String, String>> unknownId = copy(records);
            unknownId.get(0).put("decision", "b");
            unknownId.get(1).put("id", "zzzz9999");
            unknownId.get(1).put("decision", "a");
            // line 2: a good decision; line 3: a decision that is not a site of the pair; line 4: good
            List<Map<String, String>> badSite = copy(records);
            badSite.get(0).put("decision", "b");
            badSite.get(1).put("decision", "laptop");
            badSite.get(2).put("decision", "a");

            for (List<Map<String, String>> bad : List.of(unknownId, badSite)) {
                write(file, bad);
                CliRun r = f.cli("conflicts", "import", "a", file.toString());
                assertThat(r.exitCode()).as("exit code; err: %s", r.err()).isEqualTo(2);
                assertThat(r.errLines()).hasSize(1);
                assertThat(r.err()).startsWith("error: ").contains("line 3")
                        .contains(bad == unknownId ? "zzzz9999" : "laptop");
                assertThat(r.out()).isEmpty();
                assertThat(f.rows("a", ConflictsFixture.FULL)).isEqualTo(rowsA);
                assertThat(f.rows("b", ConflictsFixture.FULL)).isEqualTo(rowsB);
                assertThat(f.list("a")).isEqualTo(listA);
                assertThat(f.list("b")).isEqualTo(listB);
            }
            assertThat(listA).allSatisfy(c -> assertThat(c.get("status")).isEqualTo("auto"));
        }
    }

    /**
     * A spreadsheet saving "CSV UTF-8" (Excel does) starts the file with a byte order mark;
     * the review round trip must still work.
     */
    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void importAcceptsAnExportResavedWithAByteOrderMark(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            exportScenario(f);
            Path file = f.sites.dir().resolve("review.csv");
            List<Map<String, String>> records = export(f, file);
            withKey(records, "1").put("decision", "b");
            write(file, records);
            Files.writeString(file, "\uFEFF" + Files.readString(file, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            CliRun imported = f.cli("conflicts", "import", "a", file.toString());
            assertThat(imported.exitCode()).as("import of a file with a BOM; err: %s", imported.err()).isZero();
            Map<String, String> one = f.byKey("a").get("1");
            assertThat(List.of(one.get("status"), one.get("kept"))).isEqualTo(List.of("resolved", "b"));
            f.sync(0);
            assertThat(f.rows("b", "SELECT id, name, qty FROM items WHERE id = 1"))
                    .containsExactly(List.of("1", TRICKY, "1"));
        }
    }

    private static List<Map<String, String>> copy(List<Map<String, String>> records) {
        return records.stream().map(r -> (Map<String, String>) new LinkedHashMap<>(r)).toList();
    }

    // 6. dry run ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aDryRunReportsThePendingConflictAndRecordsNothingAtEitherSite(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            f.seed();
            f.exec("a", "UPDATE items SET qty = 11 WHERE id = 1", "UPDATE items SET qty = 12 WHERE id = 1");
            f.exec("b", "UPDATE items SET name = 'b-one' WHERE id = 1", "INSERT INTO items VALUES (3, 'three', 3)");
            List<String> state = List.of(ConflictsFixture.FULL,
                    "SELECT count(*) FROM dovetail.conflict",
                    "SELECT count(*) FROM dovetail.sync_run",
                    "SELECT peer_id, table_key, recv_seq, recv_snapshot FROM dovetail.peer_mark ORDER BY peer_id, table_key");
            Map<String, List<List<List<String>>>> before = new LinkedHashMap<>();
            for (String site : List.of("a", "b")) {
                before.put(site, state.stream().map(q -> f.rows(site, q)).toList());
            }

            CliRun dry = f.sync(0, "sync", "a", "b", "--dry-run");
            assertThat(itemsLine(dry)).matches("items\\s+pushed \\d+  pulled 1  conflicts 1.*");
            assertThat(dry.out()).contains("dry run");
            for (String site : List.of("a", "b")) {
                assertThat(state.stream().map(q -> f.rows(site, q)).toList()).as("state at %s", site)
                        .isEqualTo(before.get(site));
                assertThat(f.list(site)).isEmpty();
            }

            CliRun real = f.sync(3);
            assertThat(itemsLine(real)).matches("items\\s+pushed \\d+  pulled 1  conflicts 1.*");
            Map<String, String> c = f.byKey("a").get("1");
            assertThat(List.of(c.get("kind"), c.get("status"), c.get("winner")))
                    .isEqualTo(List.of("update/update", "auto", "a"));
            assertThat(f.byKey("b").get("1").get("id")).isEqualTo(c.get("id"));
            f.bothHold(List.of(A1, List.of("2", "two", "2"), ROW3, List.of("4", "four", "4"),
                    List.of("5", "five", "5")));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aDryRunAfterAResolveReportsWhatTheSyncThenDoes(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb, policyYaml("manual", "table"))) {
            f.threeConflicts();
            f.sync(3);
            String id1 = f.idOf("1");
            CliRun resolve = f.cli("conflicts", "resolve", "a", id1, "--keep", "a");
            assertThat(resolve.exitCode()).as(resolve.err()).isZero();
            List<List<String>> rowsA = f.rows("a", ConflictsFixture.FULL);
            List<List<String>> rowsB = f.rows("b", ConflictsFixture.FULL);

            CliRun dry = f.sync(0, "sync", "a", "b", "--dry-run");
            assertThat(f.rows("a", ConflictsFixture.FULL)).isEqualTo(rowsA);
            assertThat(f.rows("b", ConflictsFixture.FULL)).isEqualTo(rowsB);
            assertThat(f.byKey("b").get("1").get("status")).as("nothing recorded at b by the dry run")
                    .isEqualTo("open");

            CliRun real = f.sync(3);
            assertThat(itemsLine(real)).matches("items\\s+pushed 1  pulled 0  conflicts 0");
            assertThat(f.rows("b", "SELECT id, name, qty FROM items WHERE id = 1")).containsExactly(A1);
            assertThat(itemsLine(dry)).as("the dry run reports what the sync then did").isEqualTo(itemsLine(real));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void theJsonSummaryOfADryRunCarriesTheExitCodeTheCommandExitsWith(Kind ka, Kind kb) throws Exception {
        try (ConflictsFixture f = ConflictsFixture.start(pg, ka, kb)) {
            f.seed();
            f.exec("a", "UPDATE items SET qty = 11 WHERE id = 1");
            f.exec("b", "UPDATE items SET name = 'b-one' WHERE id = 1");
            CliRun dry = f.sync(0, "sync", "a", "b", "--dry-run", "--json");
            var json = JSON.readTree(dry.out());
            assertThat(json.get("dry_run").asBoolean()).isTrue();
            assertThat(json.get("conflicts").asLong()).isEqualTo(1);
            assertThat(f.list("a")).isEmpty();
            assertThat(f.list("b")).isEmpty();
            assertThat(json.get("exit_code").asInt()).as("exit_code in %s", dry.out()).isEqualTo(dry.exitCode());
        }
    }
}
