package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input through the real {@code dovetail.jar}, run as its own process so that whatever a
 * library prints to the real stdout or stderr is seen (README "Exit codes", SPEC sections 1, 3,
 * 6 and 7). Every case checks: the documented exit code; exactly one line on stderr, starting
 * {@code error: } (no stack trace, no SLF4J, jOOQ or Flyway notice); the password (and the
 * wrong one, where given) nowhere in stdout or stderr; and nothing changed at any site: the
 * catalog (schemas, tables, columns, triggers, routines, indexes, sequences) and every row of
 * every table, Dovetail's metadata tables included, are the same before and after.
 *
 * <p>Cases that apply to both kinds of site run on PostgreSQL and on H2 (file databases: an
 * in-memory one would be invisible to the CLI process). The network cases are PostgreSQL's;
 * the two that wait for a silent server's timeouts start in {@link #startSlowNetworkCases()} and
 * run alongside the rest.
 */
class BadInputIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final String OTHER = "CREATE TABLE other (id INT PRIMARY KEY, note VARCHAR(100))";
    /** Time limit for a run that has no reason to wait for anything. */
    static final Duration LIMIT = Duration.ofSeconds(30);
    /** connectTimeout 10 s + loginTimeout 20 s (PostgresDialect), and slack: beyond this a run hangs. */
    static final Duration NETWORK_LIMIT = Duration.ofSeconds(40);

    private static final Map<Kind, Pair> PAIRS = new EnumMap<>(Kind.class);
    private static final Map<Kind, BadInputSites> REFUSALS = new EnumMap<>(Kind.class);
    private static Network network;

    // -- the matrix -------------------------------------------------------------------------

    static Stream<Arguments> pairCases() {
        List<String> cases = List.of("malformed YAML", "unknown key", "unknown site", "table not configured",
                "sync a a", "--push --pull", "conflicts show: no such id", "conflicts resolve: no such id",
                "conflicts import: unknown id", "conflicts import: bad row after a blank line",
                "conflicts import: id listed twice", "wrong password (password-env)",
                "wrong password (password-file, second site)", "database does not exist");
        return Stream.of(Kind.PG, Kind.H2).flatMap(k -> cases.stream().map(c -> Arguments.of(k, c)));
    }

    /**
     * On an installed pair a-b (both of the given kind) that has synced and recorded one conflict.
     * Exit 2 for usage and configuration errors, 1 for connection failures.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("pairCases")
    void badInputOnAnInstalledPairExitsWithOneLineAndChangesNothing(Kind kind, String name) {
        Pair p = pair(kind);
        BadInputSites s = p.sites;
        String cfg = p.config.toString();
        String id = p.conflictId;
        boolean pgSite = kind == Kind.PG;
        switch (name) {
            case "malformed YAML" -> {
                // the nested key under a scalar is not YAML: line 13 (after the 9 lines of the two sites)
                Path bad = s.write("malformed.yml", s.sitesYaml() + "tables: [items]\nconflicts:\n  policy: version\n"
                        + "    extra: 1\n");
                int line = (int) s.sitesYaml().lines().count() + 4;
                rejected(p, BadInputSites.env(), 2, List.of("error: malformed YAML in " + bad + " line " + line),
                        "sync", "a", "b", "--config", bad.toString());
            }
            case "unknown key" -> {
                Path bad = s.write("unknown-key.yml", s.sitesYaml().replace("  a:\n", "  a:\n    host: 127.0.0.1\n")
                        + "tables: [items]\n");
                rejected(p, BadInputSites.env(), 2, List.of("error: unknown key 'sites.a.host' in " + bad + " line 3"),
                        "sync", "a", "b", "--config", bad.toString());
            }
            case "unknown site" -> rejected(p, BadInputSites.env(), 2, List.of("error: unknown site 'x'"),
                    "sync", "a", "x", "--config", cfg);
            case "table not configured" -> rejected(p, BadInputSites.env(), 2,
                    List.of("error: table 'nosuch' is not configured in " + cfg),
                    "sync", "a", "b", "--tables", "nosuch", "--config", cfg);
            case "sync a a" -> rejected(p, BadInputSites.env(), 2,
                    List.of("error: sync needs two different sites, got 'a' twice"), "sync", "a", "a", "--config", cfg);
            case "--push --pull" -> {
                BadInputCli.Result r = rejected(p, BadInputSites.env(), 2, List.of("error: ", "--push", "--pull"),
                        "sync", "a", "b", "--push", "--pull", "--config", cfg);
                assertThat(r.err()).as("one 'error:' prefix, not picocli's 'Error:' after ours")
                        .doesNotContainIgnoringCase("error: error:");
            }
            case "conflicts show: no such id" -> rejected(p, BadInputSites.env(), 2,
                    List.of("error: no conflict 'zzzz9999' at site 'a'"), "conflicts", "show", "a", "zzzz9999",
                    "--config", cfg);
            case "conflicts resolve: no such id" -> rejected(p, BadInputSites.env(), 2,
                    List.of("error: no conflict 'zzzz9999' at site 'a'"), "conflicts", "resolve", "a", "zzzz9999",
                    "--keep", "b", "--config", cfg);
            case "conflicts import: unknown id" -> {
                // line 2 is a good decision: applying it before reading line 3 would change both rows and record
                Path csv = s.write("unknown-id.csv", "id,decision\n" + id + ",b\nzzzz9999,a\n");
                rejected(p, BadInputSites.env(), 2, List.of("error: " + csv + " line 3: ", "zzzz9999"),
                        "conflicts", "import", "a", csv.toString(), "--config", cfg);
            }
            case "conflicts import: bad row after a blank line" -> {
                // blank lines are ignored, but "line N" is the file's line, where an editor shows the row
                Path csv = s.write("blank-line.csv", "id,decision\n" + id + ",b\n\nzzzz9999,a\n");
                rejected(p, BadInputSites.env(), 2, List.of("error: " + csv + " line 4: ", "zzzz9999"),
                        "conflicts", "import", "a", csv.toString(), "--config", cfg);
            }
            case "conflicts import: id listed twice" -> {
                Path csv = s.write("twice.csv", "id,decision\n" + id + ",b\n" + id + ",a\n");
                rejected(p, BadInputSites.env(), 2, List.of("error: " + csv + " line 3: ", id, "twice"),
                        "conflicts", "import", "a", csv.toString(), "--config", cfg);
            }
            case "wrong password (password-env)" -> rejected(p, BadInputSites.env(BadInputSites.WRONG_PASSWORD), 1,
                    List.of("error: cannot connect to site 'a'",
                            pgSite ? "password authentication failed" : "Wrong user name or password"),
                    "sync", "a", "b", "--config", cfg);
            case "wrong password (password-file, second site)" -> {
                // site a takes its password from the environment; b, from the file that now holds a wrong one
                Path wrong = s.write("wrong-b.yml", s.sitesYaml().replace("password-file: site.pw",
                        "password-file: wrong.pw") + "tables: [items]\n");
                rejected(p, BadInputSites.env(), 1, List.of("error: cannot connect to site 'b'",
                        pgSite ? "password authentication failed" : "Wrong user name or password"),
                        "sync", "a", "b", "--config", wrong.toString());
            }
            case "database does not exist" -> {
                // PostgreSQL: a database name nobody created; H2: a file path with no database (a typo)
                String url = pgSite ? s.url("a").substring(0, s.url("a").lastIndexOf('/') + 1) + "no_such_db"
                        : "jdbc:h2:file:" + s.dir().resolve("gone").toAbsolutePath();
                Path gone = s.write("gone.yml", s.sitesYaml() + "  gone:\n    url: " + url + "\n    user: "
                        + s.user("a") + "\n    password-file: site.pw\ntables: [items]\n");
                Runnable noFileCreated = () -> {
                    try (Stream<Path> files = java.nio.file.Files.list(s.dir())) {
                        assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("gone.")))
                                .as("no database file created for the missing site").containsExactly("gone.yml");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
                rejected(p.sites, List.of("a", "b"), BadInputSites.env(), noFileCreated, 1,
                        List.of("error: cannot connect to site 'gone'"), "sync", "a", "gone", "--config", gone.toString());
            }
            default -> throw new IllegalArgumentException(name);
        }
    }

    static Stream<Arguments> installRefusals() {
        List<String> cases = List.of("table not found", "no primary key", "dv_ column", "unsupported type",
                "no primary key, fresh site");
        return Stream.of(Kind.PG, Kind.H2).flatMap(k -> cases.stream().map(c -> Arguments.of(k, c)));
    }

    /**
     * {@code install} refusing a table (README "install refuses, with exit 2 and nothing changed"):
     * at a site where {@code items} is installed and the configuration now adds a valid table
     * {@code other} and a bad one, neither is installed; at a fresh site not even the metadata
     * schema appears.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("installRefusals")
    void installRefusesABadTableWithExitTwoAndInstallsNothing(Kind kind, String name) {
        BadInputSites s = refusals(kind);
        boolean pgSite = kind == Kind.PG;
        String schema = pgSite ? "public" : "PUBLIC";
        String site = name.endsWith("fresh site") ? "f" : "a";
        String table = switch (name) {
            case "table not found" -> "missing";
            case "no primary key", "no primary key, fresh site" -> "nokey";
            case "dv_ column" -> "clash";
            case "unsupported type" -> "span";
            default -> throw new IllegalArgumentException(name);
        };
        List<String> expected = switch (name) {
            case "table not found" -> List.of("error: table 'missing' not found at site 'a'");
            case "no primary key" -> List.of("error: table '" + q(pgSite, schema + ".nokey") + "' at site 'a' "
                    + "has no primary key");
            case "no primary key, fresh site" -> List.of("error: table '" + q(pgSite, schema + ".nokey")
                    + "' at site 'f' has no primary key");
            case "dv_ column" -> List.of("error: column '" + q(pgSite, "dv_note") + "' of table '"
                    + q(pgSite, schema + ".clash") + "' at site 'a' uses the reserved prefix dv_");
            case "unsupported type" -> List.of("error: column '" + q(pgSite, "span") + "' of table '"
                    + q(pgSite, schema + ".span") + "' at site 'a' has unsupported type");
            default -> throw new IllegalArgumentException(name);
        };
        Path config = s.config("refuse-" + table + ".yml", site.equals("f") ? "tables: [items, " + table + "]"
                : "tables: [items, other, " + table + "]");
        rejected(s, List.of("a", "f"), BadInputSites.env(), 2, expected, "install", site, "--config", config.toString());
        if (site.equals("f")) {
            assertThat(s.count("f", "SELECT count(*) FROM information_schema.schemata WHERE lower(schema_name) = "
                    + "'dovetail'")).as("no metadata schema at the fresh site").isZero();
        }
    }

    /**
     * A sync with a site where Dovetail is not installed: exit 2 naming the command to run, and
     * nothing changed at either site (the run is not even logged at the installed one).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aSyncWithASiteNotInstalledExitsTwoAndChangesNothing(Kind kind) {
        BadInputSites s = refusals(kind);
        Path config = s.config("not-installed.yml", "tables: [items]");
        for (String[] pair : List.of(new String[] {"a", "f"}, new String[] {"f", "a"})) {
            rejected(s, List.of("a", "f"), BadInputSites.env(), 2,
                    List.of("error: site 'f' is not installed (run: dovetail install f)"),
                    "sync", pair[0], pair[1], "--config", config.toString());
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(Kind.PG, Kind.H2);
    }

    static Stream<Arguments> mismatchPairs() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.PG, Kind.H2));
    }

    /**
     * A column added at one site only after both were installed (README: "a column present at one
     * site only ... stops that table with an error naming the columns while the other tables still
     * sync (exit 1)"). The mismatching table comes first in the configuration, so the table after
     * it must still sync; the mismatching one must not change at either site.
     */
    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("mismatchPairs")
    void aColumnAddedAtOneSiteStopsThatTableOnlyWithExitOne(Kind ka, Kind kb) {
        try (BadInputSites s = new BadInputSites(pg).site("a", ka, ITEMS, OTHER).site("b", kb, ITEMS, OTHER)) {
            Path config = s.config("dovetail.yml", "tables: [items, other]");
            setup(s, config, 0, "install", "a");
            setup(s, config, 0, "install", "b");
            s.exec("a", "INSERT INTO items VALUES (1, 'one', 1)", "INSERT INTO items VALUES (2, 'two', 2)",
                    "INSERT INTO other VALUES (1, 'first')");
            setup(s, config, 0, "sync", "a", "b");
            s.exec("b", "ALTER TABLE items ADD COLUMN extra INT");
            s.exec("a", "UPDATE items SET qty = 10 WHERE id = 1", "INSERT INTO items VALUES (3, 'three', 3)",
                    "INSERT INTO other VALUES (2, 'from a')");
            s.exec("b", "UPDATE items SET name = 'b-two' WHERE id = 2", "INSERT INTO other VALUES (3, 'from b')");
            Map<String, List<List<String>>> itemsAtA = BadInputSites.aboutTable(s.snapshot("a"), "items");
            Map<String, List<List<String>>> itemsAtB = BadInputSites.aboutTable(s.snapshot("b"), "items");
            assertThat(itemsAtB.get("columns").toString()).containsIgnoringCase("extra");
            for (Map<String, List<List<String>>> about : List.of(itemsAtA, itemsAtB)) {
                assertThat(about.entrySet()).as("the watermarks of items are among what must not change")
                        .anySatisfy(e -> {
                            assertThat(e.getKey()).isEqualToIgnoringCase("rows dovetail.peer_mark");
                            assertThat(e.getValue()).isNotEmpty();
                        });
            }

            BadInputCli.Result r = BadInputCli.run(s.dir(), BadInputSites.env(), LIMIT, "sync", "a", "b",
                    "--config", config.toString());
            System.out.println("BadInputIT " + ka + "-" + kb + " schema mismatch after install: " + r);
            assertCleanError(r, 1);
            assertThat(r.err().toLowerCase(Locale.ROOT)).as("names the table and the column")
                    .contains("items", "'extra'");
            assertThat(r.out()).containsPattern("(?m)^items\\s+pushed 0  pulled 0  conflicts 0  FAILED$")
                    .containsPattern("(?m)^other\\s+pushed 1  pulled 1  conflicts 0$");
            assertThat(BadInputSites.aboutTable(s.snapshot("a"), "items")).as("items at a").isEqualTo(itemsAtA);
            assertThat(BadInputSites.aboutTable(s.snapshot("b"), "items")).as("items at b").isEqualTo(itemsAtB);
            String other = "SELECT id, note FROM other ORDER BY id";
            assertThat(s.rows("a", other)).isEqualTo(s.rows("b", other))
                    .containsExactly(List.of("1", "first"), List.of("2", "from a"), List.of("3", "from b"));
            for (String site : List.of("a", "b")) {
                assertThat(s.count(site, "SELECT count(*) FROM dovetail.sync_run WHERE outcome = 'failed' "
                        + "AND lower(error_text) LIKE '%extra%'")).as("the run is logged as failed at %s", site)
                        .isEqualTo(1);
            }
        }
    }

    /**
     * PostgreSQL hosts that cannot be reached: a closed port fails at once; a server that accepts
     * the TCP connection and never answers is given up on within the driver timeouts Dovetail sets
     * (connectTimeout 10 s, loginTimeout 20 s), with or without the SSL probe. Each is {@code sync a
     * HOST} with an installed site a, which must not change; one URL embeds the password, which
     * must be masked.
     */
    @Test
    void unreachableHostsExitOneWithinTheTimeoutsAndNeverHang() {
        Network n = network;
        BadInputCli.Result closed = BadInputCli.run(n.sites.dir(), BadInputSites.env(), LIMIT,
                "sync", "a", "closed", "--config", n.config.toString());
        BadInputCli.Result closedUrl = BadInputCli.run(n.sites.dir(), BadInputSites.env(), LIMIT,
                "install", "closedurl", "--config", n.config.toString());
        BadInputCli.Result silent = n.silent.await(NETWORK_LIMIT);
        BadInputCli.Result silentNoSsl = n.silentNoSsl.await(NETWORK_LIMIT);
        for (BadInputCli.Result r : List.of(closed, closedUrl, silent, silentNoSsl)) {
            System.out.println("BadInputIT PG unreachable host: " + r);
            assertCleanError(r, 1);
            assertThat(r.out()).isEmpty();
        }
        assertThat(closed.err()).startsWith("error: cannot connect to site 'closed' (jdbc:postgresql://127.0.0.1:"
                + n.closedPort + "/nothing)");
        assertThat(closed.elapsed()).as("a closed port fails at once").isLessThan(Duration.ofSeconds(10));
        assertThat(closedUrl.err()).startsWith("error: cannot connect to site 'closedurl'").contains("password=***");
        assertThat(closedUrl.elapsed()).isLessThan(Duration.ofSeconds(10));
        assertThat(silent.err()).startsWith("error: cannot connect to site 'silent' (jdbc:postgresql://127.0.0.1:"
                + n.silentPort + "/nothing)");
        assertThat(silentNoSsl.err()).startsWith("error: cannot connect to site 'silentnossl'");
        assertThat(n.sites.snapshot("a")).as("site a").isEqualTo(n.before);
        assertThat(n.accepted()).as("the silent server was really contacted").isGreaterThanOrEqualTo(2);
    }

    // -- assertions -------------------------------------------------------------------------

    /** Runs the CLI against the pair, asserting one clean error line with these parts and no change at a or b. */
    private static BadInputCli.Result rejected(Pair p, Map<String, String> env, int code, List<String> parts,
                                               String... args) {
        return rejected(p.sites, List.of("a", "b"), env, code, parts, args);
    }

    private static BadInputCli.Result rejected(BadInputSites s, List<String> sites, Map<String, String> env, int code,
                                               List<String> parts, String... args) {
        return rejected(s, sites, env, () -> { }, code, parts, args);
    }

    /** As above, with a check of its own that runs first (so that its failure is the one reported). */
    private static BadInputCli.Result rejected(BadInputSites s, List<String> sites, Map<String, String> env,
                                               Runnable firstCheck, int code, List<String> parts, String... args) {
        Map<String, Map<String, List<List<String>>>> before = new LinkedHashMap<>();
        sites.forEach(site -> before.put(site, s.snapshot(site)));
        BadInputCli.Result r = BadInputCli.run(s.dir(), env, LIMIT, args);
        System.out.println("BadInputIT " + s.kind("a") + ": " + r);
        firstCheck.run();
        assertCleanError(r, code);
        assertThat(r.out()).as("stdout of %s", r).isEmpty();
        assertThat(r.err()).as("the error line").startsWith(parts.get(0)).contains(parts);
        for (String site : sites) {
            assertThat(s.snapshot(site)).as("everything at site %s after: %s", site, r).isEqualTo(before.get(site));
        }
        return r;
    }

    /** Exit code; exactly one line on stderr, "error: ..."; no banner or trace anywhere; no password. */
    static void assertCleanError(BadInputCli.Result r, int code) {
        assertThat(r.hung()).as("%s: did not finish in time", r).isFalse();
        assertThat(r.exitCode()).as("exit code of %s", r).isEqualTo(code);
        assertThat(r.errLines()).as("stderr of %s: exactly one line", r).hasSize(1);
        assertThat(r.err()).as("stderr of %s", r).startsWith("error: ").endsWith("\n");
        for (String stream : List.of(r.out(), r.err())) {
            assertThat(stream).as("output of %s", r)
                    .doesNotContain(BadInputSites.PASSWORD, BadInputSites.WRONG_PASSWORD)
                    .doesNotContain("SLF4J", "jOOQ", "Flyway", "\tat ", "Exception in thread", "Caused by")
                    .doesNotContain("@@@@@@@"); // jOOQ's ASCII-art logo
        }
    }

    // -- fixtures ---------------------------------------------------------------------------

    /** An installed pair a-b with one recorded conflict, shared by the pair cases of one kind. */
    record Pair(BadInputSites sites, Path config, String conflictId) {
    }

    private static synchronized Pair pair(Kind kind) {
        return PAIRS.computeIfAbsent(kind, k -> {
            BadInputSites s = new BadInputSites(pg).site("a", k, ITEMS).site("b", k, ITEMS);
            Path config = s.config("dovetail.yml", "tables: [items]");
            setup(s, config, 0, "install", "a");
            setup(s, config, 0, "install", "b");
            s.exec("a", "INSERT INTO items VALUES (1, 'one', 1)", "INSERT INTO items VALUES (2, 'two', 2)");
            setup(s, config, 0, "sync", "a", "b");
            s.exec("a", "UPDATE items SET qty = 11 WHERE id = 1", "UPDATE items SET qty = 12 WHERE id = 1");
            s.exec("b", "UPDATE items SET name = 'b-one' WHERE id = 1", "INSERT INTO items VALUES (3, 'three', 3)");
            setup(s, config, 3, "sync", "a", "b");
            List<List<String>> ids = s.rows("a", "SELECT conflict_id FROM dovetail.conflict");
            assertThat(ids).hasSize(1);
            return new Pair(s, config, ids.get(0).get(0));
        });
    }

    /** Site a with items installed and the tables install must refuse; site f the same, not installed. */
    private static synchronized BadInputSites refusals(Kind kind) {
        return REFUSALS.computeIfAbsent(kind, k -> {
            String span = k == Kind.PG ? "CREATE TABLE span (id INT PRIMARY KEY, span interval)"
                    : "CREATE TABLE span (id INT PRIMARY KEY, span INTERVAL DAY TO SECOND)";
            String[] ddl = {ITEMS, OTHER, "CREATE TABLE nokey (id INT, v VARCHAR(10))",
                "CREATE TABLE clash (id INT PRIMARY KEY, dv_note VARCHAR(10))", span,
                "INSERT INTO items VALUES (1, 'one', 1)", "INSERT INTO other VALUES (1, 'first')",
                "INSERT INTO nokey VALUES (1, 'x')"};
            BadInputSites s = new BadInputSites(pg).site("a", k, ddl).site("f", k, ddl);
            setup(s, s.config("dovetail.yml", "tables: [items]"), 0, "install", "a");
            return s;
        });
    }

    /** The PostgreSQL cases that wait for a silent server: started before the other tests, awaited in theirs. */
    static final class Network implements AutoCloseable {
        final BadInputSites sites;
        final ServerSocket server;
        final List<Socket> held = new ArrayList<>();
        final int closedPort;
        final int silentPort;
        final Path config;
        final Map<String, List<List<String>>> before;
        final BadInputCli.Running silent;
        final BadInputCli.Running silentNoSsl;

        Network() throws IOException {
            sites = new BadInputSites(pg).site("a", Kind.PG, ITEMS, "INSERT INTO items VALUES (1, 'one', 1)");
            setup(sites, sites.config("dovetail.yml", "tables: [items]"), 0, "install", "a");
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = probe.getLocalPort(); // closed again when this block ends: nothing listens there
            }
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            silentPort = server.getLocalPort();
            Thread acceptor = new Thread(this::acceptAndStaySilent, "badinput-silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            config = sites.write("dovetail.yml", sites.sitesYaml()
                    + "  closed:\n    url: jdbc:postgresql://127.0.0.1:" + closedPort + "/nothing\n"
                    + "    user: " + BadInputSites.ROLE + "\n    password-file: site.pw\n"
                    + "  closedurl:\n    url: jdbc:postgresql://127.0.0.1:" + closedPort + "/nothing?user="
                    + BadInputSites.ROLE + "&password=${" + BadInputSites.PASSWORD_ENV + "}\n"
                    + "  silent:\n    url: jdbc:postgresql://127.0.0.1:" + silentPort + "/nothing\n"
                    + "    user: " + BadInputSites.ROLE + "\n    password-file: site.pw\n"
                    + "  silentnossl:\n    url: jdbc:postgresql://127.0.0.1:" + silentPort + "/nothing?sslmode=disable\n"
                    + "    user: " + BadInputSites.ROLE + "\n    password-file: site.pw\n"
                    + "tables: [items]\n");
            before = sites.snapshot("a");
            silent = BadInputCli.start(sites.dir(), BadInputSites.env(), "sync", "a", "silent", "--config",
                    config.toString());
            silentNoSsl = BadInputCli.start(sites.dir(), BadInputSites.env(), "sync", "a", "silentnossl", "--config",
                    config.toString());
        }

        private void acceptAndStaySilent() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    synchronized (held) {
                        held.add(socket); // read nothing, write nothing, close nothing
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        int accepted() {
            synchronized (held) {
                return held.size();
            }
        }

        @Override
        public void close() {
            silent.await(Duration.ZERO);
            silentNoSsl.await(Duration.ZERO);
            try {
                server.close();
                synchronized (held) {
                    for (Socket socket : held) {
                        socket.close();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sites.close();
        }
    }

    @BeforeAll
    static void startSlowNetworkCases() throws IOException {
        network = new Network();
    }

    @AfterAll
    static void closeFixtures() {
        if (network != null) {
            network.close();
        }
        PAIRS.values().forEach(p -> p.sites().close());
        REFUSALS.values().forEach(BadInputSites::close);
        PAIRS.clear();
        REFUSALS.clear();
    }

    /** A setup step through the CLI in process (fast), which must exit as expected. */
    private static void setup(BadInputSites s, Path config, int expectedExit, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        CliRun r = CliRun.of(BadInputSites.env(), all);
        assertThat(r.exitCode()).as("setup %s: %s %s", String.join(" ", args), r.out(), r.err())
                .isEqualTo(expectedExit);
    }

    /** How the catalog spells an identifier in messages: PostgreSQL folds to lower case, H2 to upper. */
    private static String q(boolean pgSite, String name) {
        return pgSite ? name : name.toUpperCase(Locale.ROOT);
    }
}
