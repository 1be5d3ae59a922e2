package org.dovetail.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.Verifier;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** verify confirms identical tables and narrows differences down to their keys, chunk by chunk. */
class VerifyIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    static final String TAGS = "CREATE TABLE tags (owner VARCHAR(20), tag VARCHAR(20), note VARCHAR(20), "
            + "PRIMARY KEY (owner, tag))";

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.PG, Kind.PG), Arguments.of(Kind.PG, Kind.H2),
                Arguments.of(Kind.H2, Kind.H2));
    }

    @ParameterizedTest(name = "{0}-{1}")
    @MethodSource("pairs")
    void identicalTablesConfirmAndDifferencesNarrowToTheirKeys(Kind ka, Kind kb) {
        String fill = ka == Kind.PG
                ? "INSERT INTO items SELECT g, 'item ' || g, g % 7 FROM generate_series(1, 50000) g"
                : "INSERT INTO items SELECT X, 'item ' || X, MOD(X, 7) FROM SYSTEM_RANGE(1, 50000)";
        try (TestSites sites = new TestSites(pg).site("a", ka, ITEMS, TAGS, fill).site("b", kb, ITEMS, TAGS)) {
            sites.exec("a", "INSERT INTO tags VALUES ('zed', 'a', NULL)", "INSERT INTO tags VALUES ('Zed', 'B', '')",
                    "INSERT INTO tags VALUES ('émile', 'x', 'y')", "INSERT INTO tags VALUES ('Émile', 'x', 'z')",
                    "INSERT INTO tags VALUES ('a b', 'c', 'd')");
            Dovetail d = new Dovetail(new ConfigLoader(System.getenv()).load(sites.config("tables: [items, tags]")),
                    System.getenv());
            d.install("a");
            d.install("b");
            d.sync(SyncOptions.both("a", "b"));
            Verifier.Result same = d.verify("a", "b", List.of());
            assertThat(same.identical()).isTrue();
            assertThat(same.tables().get(0).rowsA()).isEqualTo(50000);
            assertThat(same.tables().get(0).rowsB()).isEqualTo(50000);
            assertThat(same.tables().get(1).rowsB()).isEqualTo(5);

            sites.exec("b", "UPDATE items SET qty = 99 WHERE id = 25000", "DELETE FROM items WHERE id = 3",
                    "INSERT INTO items VALUES (60000, 'extra', 1)", "UPDATE items SET name = NULL WHERE id = 49999");
            sites.exec("a", "UPDATE tags SET note = NULL WHERE owner = 'Zed'");
            Verifier.Result different = d.verify("a", "b", List.of());
            assertThat(different.identical()).isFalse();
            assertThat(different.tables().get(0).keys()).containsExactly("3", "25000", "49999", "60000");
            assertThat(different.tables().get(0).differing()).isEqualTo(4);
            assertThat(different.tables().get(1).keys()).containsExactly("Zed,B");
            assertThat(d.verify("a", "b", List.of("tags")).tables()).hasSize(1);
        }
    }

    /**
     * PostgreSQL at both sites: both databases digest their whole table at once, chunk by chunk.
     * A difference in the last row of a middle chunk, text with 4-byte characters, a row beyond
     * the other site's last key and a table empty at one site are each found and named by key.
     */
    @Test
    void wholeTableDigestsNameEveryDifferenceByKey() {
        String notes = "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT, n INT, tag VARCHAR(32))";
        String fill = "INSERT INTO notes SELECT g, 'note ' || g || CASE WHEN g % 3 = 0 THEN ' \uD83D\uDE00' ELSE '' END, "
                + "g % 11, md5(g::text) FROM generate_series(1, 60000) g";
        String empty = "CREATE TABLE empty (id INT PRIMARY KEY, body TEXT)";
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG, notes, fill, empty).site("b", Kind.PG, notes, empty)) {
            Dovetail d = SyncIT.dovetail(sites, "tables: [notes, empty]");
            d.install("a");
            d.install("b");
            d.sync(SyncOptions.both("a", "b"));
            Verifier.Result same = d.verify("a", "b", List.of());
            assertThat(same.identical()).isTrue();
            assertThat(same.tables().get(0).rowsB()).isEqualTo(60000);
            assertThat(same.tables().get(1).rowsA()).isZero();

            // 40000 ends the second of three chunks; 39999's text differs only in its 4-byte character
            sites.exec("b", "UPDATE notes SET n = n + 1 WHERE id = 40000",
                    "UPDATE notes SET body = 'note 39999 \uD83D\uDE01' WHERE id = 39999");
            Verifier.Result middle = d.verify("a", "b", List.of("notes"));
            assertThat(middle.tables().get(0).keys()).containsExactly("39999", "40000");
            assertThat(middle.tables().get(0).rowsA()).isEqualTo(60000);
            assertThat(middle.tables().get(0).rowsB()).isEqualTo(60000);

            sites.exec("b", "UPDATE notes SET n = n - 1 WHERE id = 40000",
                    "UPDATE notes SET body = 'note 39999 \uD83D\uDE00' WHERE id = 39999",
                    "INSERT INTO notes VALUES (60001, 'beyond', 1, 'x')", "INSERT INTO empty VALUES (7, 'only at b')");
            Verifier.Result beyond = d.verify("a", "b", List.of());
            assertThat(beyond.tables().get(0).keys()).containsExactly("60001");
            assertThat(beyond.tables().get(0).rowsB()).isEqualTo(60001);
            assertThat(beyond.tables().get(1).keys()).containsExactly("7");
            assertThat(d.verify("b", "a", List.of("empty")).tables().get(0).keys()).containsExactly("7");
        }
    }
}
