package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.ShopSchema;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A shop's schema through the real command line: foreign keys listed in any order, a
 * self-referencing tree, ON DELETE CASCADE, a UNIQUE column and constraints one site has and
 * the other not. What the target refuses is set aside as a {@code rejected} conflict while
 * everything else syncs, and applies (or is resolved by the admin) later.
 */
class RealSchemaIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String[] SHOP = ShopSchema.DDL;
    /** Children before parents, on purpose. */
    static final String TABLES = "tables: [order_lines, orders, categories, customers]";
    static final Map<String, String> QUERIES = ShopSchema.QUERIES;

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.PG, Kind.H2),
                Arguments.of(Kind.H2, Kind.PG));
    }

    /** Two installed sites with the schema (b may have extra DDL of its own). */
    private static Shop shop(Kind ka, Kind kb, String[] extraAtB) {
        String[] atB = Stream.concat(Arrays.stream(SHOP), Arrays.stream(extraAtB)).toArray(String[]::new);
        TestSites sites = new TestSites(pg).site("a", ka, SHOP).site("b", kb, atB);
        Shop shop = new Shop(sites, sites.config(TABLES).toString());
        for (String site : List.of("a", "b")) {
            CliRun install = shop.cli("install", site);
            assertThat(install.exitCode()).as("install %s: %s", site, install.err()).isZero();
        }
        return shop;
    }

    /** Two installed sites with one table of their own. */
    private static Shop oneTable(Kind ka, Kind kb, String table, String ddl) {
        TestSites sites = new TestSites(pg).site("a", ka, ddl).site("b", kb, ddl);
        Shop s = new Shop(sites, sites.config("tables: [" + table + "]").toString());
        assertThat(s.cli("install", "a").exitCode()).isZero();
        assertThat(s.cli("install", "b").exitCode()).isZero();
        return s;
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void foreignKeysSyncWhateverTheConfiguredOrder(Kind ka, Kind kb) {
        try (Shop s = shop(ka, kb, new String[0])) {
            s.exec("a", "INSERT INTO customers VALUES (1, 'ann@example.org', 'Ann')",
                    "INSERT INTO customers VALUES (2, 'bob@example.org', 'Bob')",
                    "INSERT INTO orders VALUES (10, 1, 'n10')", "INSERT INTO orders VALUES (11, 2, 'n11')",
                    "INSERT INTO order_lines VALUES (10, 1, 2)", "INSERT INTO order_lines VALUES (10, 2, 1)",
                    "INSERT INTO order_lines VALUES (11, 1, 5)",
                    "INSERT INTO categories VALUES (1, NULL, 'all')", "INSERT INTO categories VALUES (2, 1, 'fruit')",
                    "INSERT INTO categories VALUES (3, 2, 'apples')");
            CliRun first = s.sync(0);
            assertThat(first.out()).contains("customers    pushed 2  pulled 0  conflicts 0")
                    .contains("order_lines  pushed 3  pulled 0  conflicts 0");
            s.assertSame();

            // deletes: a parent after its children (cascade for order lines), a subtree of the tree
            s.exec("a", "DELETE FROM orders WHERE id = 10", "DELETE FROM customers WHERE id = 1",
                    "DELETE FROM categories WHERE id = 3", "DELETE FROM categories WHERE id = 2");
            s.exec("b", "INSERT INTO customers VALUES (3, 'cy@example.org', 'Cy')",
                    "INSERT INTO orders VALUES (12, 3, 'n12')", "INSERT INTO order_lines VALUES (12, 1, 4)",
                    "INSERT INTO categories VALUES (4, 1, 'pears')");
            CliRun second = s.sync(0);
            assertThat(second.out()).contains("total").doesNotContain("conflicts 1");
            s.assertSame();
            assertThat(s.sites.rows("b", QUERIES.get("order_lines")))
                    .containsExactly(List.of("11", "1", "5"), List.of("12", "1", "4"));
            assertThat(s.list("a", "--status", "all")).isEmpty();

            // nothing echoes back, the cascaded deletes included
            CliRun third = s.sync(0);
            for (String table : QUERIES.keySet()) {
                assertThat(third.out()).containsPattern(table + " +pushed 0  pulled 0  conflicts 0");
            }
            assertThat(s.cli("verify", "a", "b").exitCode()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void uniqueClashIsSetAsideWhileOtherRowsFlowAndTheAdminResolvesIt(Kind ka, Kind kb) {
        try (Shop s = shop(ka, kb, new String[0])) {
            s.exec("a", "INSERT INTO customers VALUES (1, 'x@example.org', 'from a')");
            s.exec("b", "INSERT INTO customers VALUES (2, 'x@example.org', 'from b')");
            CliRun clash = s.sync(3);
            assertThat(clash.out()).contains("customers    pushed 0  pulled 0  conflicts 2");
            List<Map<String, String>> open = s.list("a", "--status", "open");
            assertThat(open).extracting(c -> c.get("kind")).containsOnly("rejected");
            assertThat(open).extracting(c -> c.get("key")).containsExactlyInAnyOrder("1", "2");
            assertThat(s.list("b", "--status", "open")).extracting(c -> c.get("id"))
                    .containsExactlyInAnyOrderElementsOf(open.stream().map(c -> c.get("id")).toList());
            String refusedAtB = open.stream().filter(c -> c.get("key").equals("1")).findFirst().orElseThrow()
                    .get("id");
            CliRun show = s.cli("conflicts", "show", "b", refusedAtB);
            assertThat(show.exitCode()).isZero();
            assertThat(show.out()).containsIgnoringCase("customers_email_key").contains("rejected")
                    .contains("refused by b").doesNotContainIgnoringCase("insert into");

            // rows written afterwards keep flowing both ways
            s.exec("a", "INSERT INTO customers VALUES (3, 'c@example.org', 'c')");
            s.exec("b", "INSERT INTO customers VALUES (4, 'd@example.org', 'd')");
            s.sync(3);
            assertThat(s.ids("a", "customers")).containsExactly("1", "3", "4");
            assertThat(s.ids("b", "customers")).containsExactly("2", "3", "4");

            // keeping the refusing site's state (no row 1 at b) leaves both sites identical
            CliRun resolve = s.cli("conflicts", "resolve", "b", refusedAtB, "--keep", "b");
            assertThat(resolve.exitCode()).as(resolve.err()).isZero();
            CliRun after = s.sync(0);
            assertThat(after.out()).contains("customers    pushed 0  pulled 2  conflicts 0");
            s.assertSame();
            assertThat(s.ids("a", "customers")).containsExactly("2", "3", "4");
            assertThat(s.list("a", "--status", "open")).isEmpty();
            assertThat(s.list("b", "--status", "open")).isEmpty();
            assertThat(s.cli("verify", "a", "b").exitCode()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aRefusedRowAppliesByItselfOnceItsCauseIsGone(Kind ka, Kind kb) {
        String[] stricter = {"ALTER TABLE order_lines ADD CONSTRAINT small_qty CHECK (qty < 100)"};
        try (Shop s = shop(ka, kb, stricter)) {
            s.exec("a", "INSERT INTO customers VALUES (1, 'ann@example.org', 'Ann')",
                    "INSERT INTO orders VALUES (10, 1, 'n10')", "INSERT INTO order_lines VALUES (10, 1, 500)",
                    "INSERT INTO order_lines VALUES (10, 2, 5)");
            CliRun refused = s.sync(3);
            assertThat(refused.out()).contains("order_lines  pushed 1  pulled 0  conflicts 1");
            assertThat(s.sites.rows("b", QUERIES.get("order_lines"))).containsExactly(List.of("10", "2", "5"));
            String id = s.list("b", "--status", "open").get(0).get("id");
            assertThat(s.cli("conflicts", "show", "a", id).out()).containsIgnoringCase("small_qty");

            s.exec("a", "UPDATE order_lines SET qty = 50 WHERE line = 1");
            CliRun applied = s.sync(0);
            assertThat(applied.out()).contains("order_lines  pushed 1  pulled 0  conflicts 0");
            s.assertSame();
            for (String site : List.of("a", "b")) {
                assertThat(s.list(site, "--status", "open")).isEmpty();
                assertThat(s.list(site, "--status", "resolved")).extracting(c -> c.get("id")).containsExactly(id);
            }
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void aParentDeletedAtOneSiteWhileTheOtherAddedAChild(Kind ka, Kind kb) {
        try (Shop s = shop(ka, kb, new String[0])) {
            s.exec("a", "INSERT INTO customers VALUES (5, 'eve@example.org', 'Eve')");
            s.sync(0);
            s.exec("b", "DELETE FROM customers WHERE id = 5");
            s.exec("a", "INSERT INTO orders VALUES (20, 5, 'n20')", "INSERT INTO customers VALUES (6, 'f@example.org', 'F')");
            CliRun r = s.sync(3);
            assertThat(r.out()).contains("orders       pushed 0  pulled 0  conflicts 1")
                    .contains("customers    pushed 1  pulled 0  conflicts 1");
            // the order that b refused (its customer is gone there): keep b's state, no order
            String order = s.list("b", "--status", "open", "--table", "orders").get(0).get("id");
            assertThat(s.cli("conflicts", "resolve", "a", order, "--keep", "a").err())
                    .as("a already has the order: keeping it there is a confirmation").isEmpty();
            CliRun keepA = s.cli("conflicts", "resolve", "b", order, "--keep", "a");
            assertThat(keepA.exitCode()).isEqualTo(2);
            assertThat(keepA.err().lines()).hasSize(1);
            assertThat(keepA.err()).containsIgnoringCase("orders_customer_fk").doesNotContainIgnoringCase("insert into");
        }
        try (Shop s = shop(ka, kb, new String[0])) {
            s.exec("a", "INSERT INTO customers VALUES (5, 'eve@example.org', 'Eve')");
            s.sync(0);
            s.exec("b", "DELETE FROM customers WHERE id = 5");
            s.exec("a", "INSERT INTO orders VALUES (20, 5, 'n20')");
            s.sync(3);
            String order = s.list("b", "--status", "open", "--table", "orders").get(0).get("id");
            assertThat(s.cli("conflicts", "resolve", "b", order, "--keep", "b").exitCode()).isZero();
            s.sync(0);
            s.assertSame();
            assertThat(s.ids("a", "customers")).isEmpty();
            assertThat(s.ids("a", "orders")).isEmpty();
            assertThat(s.list("a", "--status", "open")).isEmpty();
            assertThat(s.cli("verify", "a", "b").exitCode()).isZero();
        }
    }

    @Test
    void aKeyBothAliveAndTombstonedIsSyncedAsTheLiveRow() {
        try (Shop s = shop(Kind.PG, Kind.PG, new String[0])) {
            s.exec("a", "INSERT INTO customers VALUES (1, 'ann@example.org', 'Ann')");
            s.sync(0);
            // the state an INSERT that waited on an uncommitted DELETE of the same key left behind
            s.exec("b", "INSERT INTO dv_tomb_customers (id, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq,"
                    + " dv_txid) VALUES (1, 7, 'some-origin', 'b', now(), nextval('dovetail.change_seq'),"
                    + " txid_current())");
            s.exec("a", "UPDATE customers SET name = 'Ann B' WHERE id = 1");
            s.sync(0);
            s.sync(0);
            s.assertSame();
            assertThat(s.sites.count("b", "SELECT count(*) FROM dv_tomb_customers")).isZero();
            s.exec("a", "DELETE FROM customers WHERE id = 1");
            s.sync(0);
            assertThat(s.ids("b", "customers")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void onDeleteSetNullKeepsBothSitesIdenticalWithoutEchoesOrConflicts(Kind ka, Kind kb) {
        String[] ddl = {"CREATE TABLE teams (id BIGINT PRIMARY KEY, name VARCHAR(100))",
            "CREATE TABLE players (id BIGINT PRIMARY KEY, team_id BIGINT, name VARCHAR(100),"
                    + " CONSTRAINT players_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE SET NULL)"};
        try (TestSites sites = new TestSites(pg).site("a", ka, ddl).site("b", kb, ddl)) {
            Shop s = new Shop(sites, sites.config("tables: [players, teams]").toString());
            assertThat(s.cli("install", "a").exitCode()).isZero();
            assertThat(s.cli("install", "b").exitCode()).isZero();
            s.exec("a", "INSERT INTO teams VALUES (1, 'red')", "INSERT INTO teams VALUES (2, 'blue')",
                    "INSERT INTO players VALUES (10, 1, 'ann')", "INSERT INTO players VALUES (11, 2, 'bob')");
            s.exec("b", "INSERT INTO players VALUES (12, NULL, 'cy')");
            s.sync(0);
            s.exec("b", "UPDATE players SET team_id = 1 WHERE id = 12");
            s.sync(0);
            s.exec("a", "DELETE FROM teams WHERE id = 1");
            CliRun r = s.sync(0);
            assertThat(r.out()).contains("teams    pushed 1  pulled 0  conflicts 0");
            String all = "SELECT id, team_id, name FROM players ORDER BY id";
            assertThat(sites.rows("b", all)).isEqualTo(sites.rows("a", all)).containsExactly(
                    Arrays.asList("10", null, "ann"), List.of("11", "2", "bob"), Arrays.asList("12", null, "cy"));
            CliRun again = s.sync(0);
            assertThat(again.out()).contains("players  pushed 0  pulled 0  conflicts 0")
                    .contains("teams    pushed 0  pulled 0  conflicts 0");
            assertThat(s.list("a", "--status", "all")).isEmpty();
            assertThat(s.cli("verify", "a", "b").exitCode()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void identityKeysGeneratedAlwaysAreCarriedAndFollowed(Kind ka, Kind kb) {
        try (Shop s = oneTable(ka, kb, "tickets",
                "CREATE TABLE tickets (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title VARCHAR(100))")) {
            s.exec("a", "INSERT INTO tickets (title) VALUES ('one')", "INSERT INTO tickets (title) VALUES ('two')");
            s.sync(0);
            s.exec("b", "INSERT INTO tickets (title) VALUES ('three at b')");
            s.exec("a", "DELETE FROM tickets WHERE id = 1");
            s.sync(0);
            String all = "SELECT id, title FROM tickets ORDER BY id";
            assertThat(s.sites.rows("a", all)).isEqualTo(s.sites.rows("b", all))
                    .containsExactly(List.of("2", "two"), List.of("3", "three at b"));
        }
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void keysOfAnyLengthAreRecorded(Kind ka, Kind kb) {
        try (Shop s = oneTable(ka, kb, "notes", "CREATE TABLE notes (k VARCHAR(8000) PRIMARY KEY, body VARCHAR(100))")) {
            String key = "k".repeat(6000);
            s.exec("a", "INSERT INTO notes VALUES ('" + key + "', 'a')");
            s.exec("b", "INSERT INTO notes VALUES ('" + key + "', 'b')");
            s.sync(3);
            List<Map<String, String>> recorded = s.list("a", "--status", "all");
            assertThat(recorded).hasSize(1);
            assertThat(recorded.get(0).get("key")).isEqualTo(key);
            assertThat(recorded.get(0).get("kind")).isEqualTo("insert/insert");
        }
    }

    /** The two sites and their configuration, driven through the command line. */
    record Shop(TestSites sites, String config) implements AutoCloseable {
        CliRun cli(String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--config", config));
            return CliRun.of(all.toArray(String[]::new));
        }

        CliRun sync(int expectedExit) {
            CliRun r = cli("sync", "a", "b");
            assertThat(r.exitCode()).as("sync exit code; out: %s err: %s", r.out(), r.err()).isEqualTo(expectedExit);
            assertThat(r.err()).isEmpty();
            return r;
        }

        void exec(String site, String... sql) {
            sites.exec(site, sql);
        }

        List<String> ids(String site, String table) {
            return sites.rows(site, "SELECT id FROM " + table + " ORDER BY id").stream().map(r -> r.get(0)).toList();
        }

        List<Map<String, String>> list(String site, String... options) {
            List<String> args = new ArrayList<>(List.of("conflicts", "list", site, "--format", "csv"));
            args.addAll(List.of(options));
            CliRun r = cli(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
            return ConflictsFixture.parseCsv(r.out(), ConflictsFixture.LIST_HEADER);
        }

        /** Every table holds the same rows at both sites. */
        void assertSame() {
            QUERIES.forEach((table, query) -> assertThat(sites.rows("b", query)).as(table)
                    .isEqualTo(sites.rows("a", query)));
        }

        @Override
        public void close() {
            sites.close();
        }
    }
}
