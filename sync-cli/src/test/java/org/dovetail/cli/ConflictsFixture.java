package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;

/**
 * Two installed sites {@code a} and {@code b} with the table {@code items}, driven through
 * the real command line (in process) and inspected with plain JDBC, plus the scenario most
 * conflict tests start from.
 *
 * <p>The three-conflict scenario: keys 1, 4 and 5 are synced once, then changed at both
 * sites (keys 2 and 3 change at one site only):
 * <pre>
 * key  a's copy                     b's copy                     version winner  newest winner
 * 1    (1,'one',12)  v3, earlier    (1,'b-one',1)   v2, later    a               b
 * 4    (4,'four',41) v2, earlier    (4,'b-four',4)  v2, later    b (tie: later)  b
 * 5    (5,'a-five',5) v2, later     (5,'five',52)   v3, earlier  b               a
 * </pre>
 */
final class ConflictsFixture implements AutoCloseable {
    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final String ALL = "SELECT id, name, qty FROM items ORDER BY id";
    static final String BOOKKEEPING = "SELECT id, dv_version, dv_origin, dv_site FROM items ORDER BY id";
    static final String FULL = "SELECT id, name, qty, dv_version, dv_origin, dv_site, dv_seq FROM items ORDER BY id";
    static final List<String> LIST_HEADER = List.of("id", "table", "key", "kind", "status", "winner", "detected_at");

    static final List<String> A1 = List.of("1", "one", "12");
    static final List<String> B1 = List.of("1", "b-one", "1");
    static final List<String> A4 = List.of("4", "four", "41");
    static final List<String> B4 = List.of("4", "b-four", "4");
    static final List<String> A5 = List.of("5", "a-five", "5");
    static final List<String> B5 = List.of("5", "five", "52");
    static final List<String> ROW2 = List.of("2", "two", "20");
    static final List<String> ROW3 = List.of("3", "three", "3");

    final TestSites sites;
    final String config;

    private ConflictsFixture(TestSites sites, String config) {
        this.sites = sites;
        this.config = config;
    }

    /** Sites a (kind ka) and b (kind kb), configured with the given YAML lines and installed by the CLI. */
    static ConflictsFixture start(PostgresDatabaseExtension pg, Kind ka, Kind kb, String... yaml) {
        TestSites sites = new TestSites(pg).site("a", ka, ITEMS).site("b", kb, ITEMS);
        ConflictsFixture f = new ConflictsFixture(sites,
                sites.config(yaml.length == 0 ? new String[] {"tables: [items]"} : yaml).toString());
        for (String site : List.of("a", "b")) {
            CliRun install = f.cli("install", site);
            assertThat(install.exitCode()).as("install %s: %s", site, install.err()).isZero();
        }
        return f;
    }

    /** The command line with this fixture's --config appended. */
    CliRun cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--config";
        all[args.length + 1] = config;
        return CliRun.of(all);
    }

    /** {@code sync a b}, checking the exit code; stderr must stay empty. */
    CliRun sync(int expectedExit, String... args) {
        String[] all = args.length == 0 ? new String[] {"sync", "a", "b"} : args;
        CliRun r = cli(all);
        assertThat(r.exitCode()).as("%s exit code; out: %s err: %s", String.join(" ", all), r.out(), r.err())
                .isEqualTo(expectedExit);
        assertThat(r.err()).as("stderr of %s", String.join(" ", all)).isEmpty();
        return r;
    }

    void exec(String site, String... sql) {
        sites.exec(site, sql);
    }

    List<List<String>> rows(String site) {
        return sites.rows(site, ALL);
    }

    List<List<String>> rows(String site, String query) {
        return sites.rows(site, query);
    }

    /** Asserts that both sites hold exactly these rows, with the same bookkeeping (version, origin, site). */
    void bothHold(List<List<String>> expected) {
        assertThat(rows("a")).as("rows at a").containsExactlyElementsOf(expected);
        assertThat(rows("b")).as("rows at b").containsExactlyElementsOf(expected);
        assertThat(rows("a", BOOKKEEPING)).as("bookkeeping at a and b").isEqualTo(rows("b", BOOKKEEPING));
    }

    /** One key's row and bookkeeping at a site, dv_seq included (it changes on every write). */
    List<String> full(String site, long id) {
        return sites.rows(site, FULL).stream().filter(r -> r.get(0).equals(Long.toString(id))).findFirst()
                .orElse(null);
    }

    long version(String site, long id) {
        return Long.parseLong(full(site, id).get(3));
    }

    /** {@code conflicts list SITE --format csv} (plus options), parsed; checks the header. */
    List<Map<String, String>> list(String site, String... options) {
        List<String> args = new ArrayList<>(List.of("conflicts", "list", site, "--format", "csv"));
        args.addAll(List.of(options));
        CliRun r = cli(args.toArray(String[]::new));
        assertThat(r.exitCode()).as("conflicts list %s: %s", site, r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return parseCsv(r.out(), LIST_HEADER);
    }

    /** The conflicts recorded at a site, by key. */
    Map<String, Map<String, String>> byKey(String site) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map<String, String> c : list(site)) {
            assertThat(out.put(c.get("key"), c)).as("one conflict per key at %s", site).isNull();
        }
        return out;
    }

    /** Parses CSV with a header row that must contain {@code needed}; records as column-to-value maps. */
    static List<Map<String, String>> parseCsv(String text, List<String> needed) {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            assertThat(parser.getHeaderNames()).as("CSV header").containsAll(needed);
            List<Map<String, String>> out = new ArrayList<>();
            for (CSVRecord record : parser) {
                assertThat(record.isConsistent()).as("record %d has every column", record.getRecordNumber())
                        .isTrue();
                out.add(new LinkedHashMap<>(record.toMap()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inserts keys 1, 2, 4, 5 at a and syncs them to b (no conflicts). */
    void seed() {
        exec("a", "INSERT INTO items VALUES (1, 'one', 1)", "INSERT INTO items VALUES (2, 'two', 2)",
                "INSERT INTO items VALUES (4, 'four', 4)", "INSERT INTO items VALUES (5, 'five', 5)");
        sync(0);
        assertThat(rows("b")).isEqualTo(rows("a")).hasSize(4);
    }

    /** The three-conflict scenario (see the class comment), not yet synced. */
    void threeConflicts() {
        seed();
        exec("a", "UPDATE items SET qty = 11 WHERE id = 1", "UPDATE items SET qty = 12 WHERE id = 1",
                "UPDATE items SET qty = 41 WHERE id = 4", "UPDATE items SET qty = 20 WHERE id = 2");
        exec("b", "UPDATE items SET qty = 51 WHERE id = 5", "UPDATE items SET qty = 52 WHERE id = 5",
                "INSERT INTO items VALUES (3, 'three', 3)");
        pause();
        exec("b", "UPDATE items SET name = 'b-one' WHERE id = 1", "UPDATE items SET name = 'b-four' WHERE id = 4");
        exec("a", "UPDATE items SET name = 'a-five' WHERE id = 5");
    }

    /** Lets the clock move on, so that later changes have a later dv_changed_at at any site. */
    static void pause() {
        try {
            Thread.sleep(40);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The id of the conflict recorded for a key, checking both sites have it under the same id. */
    String idOf(String key) {
        String atA = byKey("a").get(key).get("id");
        assertThat(byKey("b").get(key).get("id")).as("id of key %s at b", key).isEqualTo(atA);
        return atA;
    }

    @Override
    public void close() {
        sites.close();
    }
}
