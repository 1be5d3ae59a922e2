package org.dovetail.installer.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.PasswordSource;
import org.dovetail.core.config.SiteConfig;
import org.dovetail.core.site.Site;
import org.dovetail.core.table.TableName;
import org.dovetail.installer.Installer;
import org.dovetail.testing.MariaDbServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MariaDB triggers of docs/bookkeeping.md ("MariaDB"), installed by the real installer on
 * the suite's throwaway server and met the way an application meets them: rows written through
 * plain JDBC as a user with a password, bookkeeping read back.
 */
class MariaDbTriggerIT {
    private static final String SITE = "office";
    private MariaDbServer server;
    private String db;
    private Site site;

    @BeforeEach
    void install() throws Exception {
        server = MariaDbServer.get();
        db = server.createDatabase("trig");
        exec("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) COLLATE utf8mb4_unicode_ci, qty DECIMAL(10,2))");
        Path pw = Files.createTempFile("dv-pw", ".txt");
        Files.writeString(pw, server.password());
        site = Site.of(new SiteConfig(SITE, server.jdbcUrl(db), MariaDbServer.USER,
                new PasswordSource.FromFile(pw, "sites." + SITE + ".password-file", pw), null), Map.of());
        new Installer(site).install(List.of(TableName.parse("items")));
    }

    @AfterEach
    void drop() {
        server.dropDatabase(db);
    }

    @Test
    void insertUpdateDeleteKeepBookkeeping() throws SQLException {
        exec("INSERT INTO items VALUES (1, 'a', 1.50)");
        List<String> first = row("SELECT dv_version, dv_site, dv_from IS NULL, dv_seq > 0, LENGTH(dv_origin) FROM items WHERE id = 1");
        assertThat(first).containsExactly("1", SITE, "1", "1", "36");
        String origin = value("SELECT dv_origin FROM items WHERE id = 1");
        long seq1 = Long.parseLong(value("SELECT dv_seq FROM items WHERE id = 1"));

        exec("UPDATE items SET name = 'a', qty = 1.5 WHERE id = 1");
        assertThat(value("SELECT CONCAT(dv_version, '/', dv_seq) FROM items WHERE id = 1")).isEqualTo("1/" + seq1);

        exec("UPDATE items SET name = 'A' WHERE id = 1"); // a change under a case-insensitive collation
        assertThat(value("SELECT dv_version FROM items WHERE id = 1")).isEqualTo("2");
        assertThat(Long.parseLong(value("SELECT dv_seq FROM items WHERE id = 1"))).isGreaterThan(seq1);
        exec("UPDATE items SET qty = NULL WHERE id = 1");
        assertThat(value("SELECT dv_version FROM items WHERE id = 1")).isEqualTo("3");
        exec("UPDATE items SET qty = NULL WHERE id = 1");
        assertThat(value("SELECT dv_version FROM items WHERE id = 1")).isEqualTo("3");

        exec("DELETE FROM items WHERE id = 1");
        assertThat(row("SELECT dv_version, dv_origin, dv_site FROM dv_tomb_items WHERE id = 1"))
                .containsExactly("4", origin, SITE);
        exec("INSERT INTO items (id, name) VALUES (1, 'again')");
        assertThat(row("SELECT dv_version, dv_origin FROM items WHERE id = 1")).containsExactly("5", origin);
        assertThat(value("SELECT COUNT(*) FROM dv_tomb_items")).isEqualTo("0");
    }

    @Test
    void keyMoveLeavesTombstoneOfOldKey() throws SQLException {
        exec("INSERT INTO items VALUES (1, 'a', 1)");
        String origin = value("SELECT dv_origin FROM items WHERE id = 1");
        exec("UPDATE items SET id = 2 WHERE id = 1");
        assertThat(row("SELECT dv_version, dv_origin FROM dv_tomb_items WHERE id = 1")).containsExactly("2", origin);
        assertThat(value("SELECT dv_version FROM items WHERE id = 2")).isEqualTo("1");
        assertThat(value("SELECT dv_origin <> '" + origin + "' FROM items WHERE id = 2")).isEqualTo("1");
    }

    @Test
    void applicationCannotWriteBookkeepingOrPretendToApply() throws SQLException {
        exec("SET @dovetail_applying = 'on'",
                "INSERT INTO items (id, name, dv_version, dv_origin, dv_site) VALUES (7, 'x', 99, 'fake', 'elsewhere')");
        assertThat(row("SELECT dv_version, dv_site FROM items WHERE id = 7")).containsExactly("1", SITE);
    }

    @Test
    void applyingModeKeepsIncomingBookkeeping() throws SQLException {
        try (Connection c = site.connect()) {
            site.dialect().setApplying(c, true);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO items (id, name, dv_version, dv_origin, dv_site, dv_changed_at, dv_from)"
                        + " VALUES (8, 'x', 5, 'o-8', 'laptop', '2024-01-02 03:04:05', 'laptop')");
                s.execute("DELETE FROM items WHERE id = 8");
            }
            site.dialect().setApplying(c, false);
            c.rollback();
            site.dialect().setApplying(c, true);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO items (id, name, dv_version, dv_origin, dv_site, dv_changed_at, dv_from)"
                        + " VALUES (8, 'x', 5, 'o-8', 'laptop', '2024-01-02 03:04:05', 'laptop')");
            }
            c.commit();
        }
        assertThat(row("SELECT dv_version, dv_origin, dv_site, dv_from, dv_seq > 0 FROM items WHERE id = 8"))
                .containsExactly("5", "o-8", "laptop", "laptop", "1");
    }

    @Test
    void truncateIsRefused() throws SQLException {
        exec("INSERT INTO items VALUES (1, 'a', 1)");
        assertThatThrownBy(() -> exec("TRUNCATE TABLE items")).hasMessageContaining("foreign key");
        assertThat(value("SELECT COUNT(*) FROM items")).isEqualTo("1");
    }

    @Test
    void reinstallIsIdempotentAndUninstallRestoresTheTable() throws SQLException {
        exec("INSERT INTO items VALUES (1, 'a', 1)");
        new Installer(site).install(List.of(TableName.parse("items")));
        assertThat(value("SELECT dv_version FROM items WHERE id = 1")).isEqualTo("1");
        assertThat(value("SELECT COUNT(*) FROM information_schema.triggers WHERE event_object_schema = DATABASE()"))
                .isEqualTo("3");

        new Installer(site).uninstall();
        assertThat(value("SELECT COUNT(*) FROM information_schema.triggers WHERE event_object_schema = DATABASE()"))
                .isEqualTo("0");
        assertThat(value("SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM information_schema.columns"
                + " WHERE table_schema = DATABASE() AND table_name = 'items'")).isEqualTo("id,name,qty");
        assertThat(value("SELECT GROUP_CONCAT(table_name) FROM information_schema.tables WHERE table_schema = DATABASE()"))
                .isEqualTo("items");
        assertThat(value("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '" + db + "_dovetail'"))
                .isEqualTo("0");
        assertThat(row("SELECT * FROM items")).containsExactly("1", "a", "1.00");
        exec("TRUNCATE TABLE items");
    }

    @Test
    void tableWithoutPrimaryKeyOrWithUnsupportedTypeIsRefused() throws SQLException {
        exec("CREATE TABLE nokey (a INT)", "CREATE TABLE odd (id INT PRIMARY KEY, y YEAR)");
        assertThatThrownBy(() -> new Installer(site).install(List.of(TableName.parse("nokey"))))
                .isInstanceOf(DovetailException.class)
                .hasMessage("table '" + db + ".nokey' at site 'office' has no primary key; Dovetail needs one to match rows");
        assertThatThrownBy(() -> new Installer(site).install(List.of(TableName.parse("odd"))))
                .isInstanceOf(DovetailException.class)
                .hasMessage("column 'y' of table '" + db + ".odd' at site 'office' has unsupported type 'year'");
    }

    @Test
    void cascadingForeignKeysAndOtherEnginesAreRefused() throws SQLException {
        exec("CREATE TABLE child (id INT PRIMARY KEY, item_id INT,"
                        + " CONSTRAINT child_item_fk FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE CASCADE)",
                "CREATE TABLE plain (id INT PRIMARY KEY) ENGINE=MyISAM");
        assertThatThrownBy(() -> new Installer(site).install(List.of(TableName.parse("child"))))
                .isInstanceOf(DovetailException.class)
                .hasMessage("table '" + db + ".child' at site 'office' has foreign key 'child_item_fk' with ON DELETE"
                        + " CASCADE: MariaDB fires no triggers for rows a cascade changes (use RESTRICT or NO ACTION)");
        assertThatThrownBy(() -> new Installer(site).install(List.of(TableName.parse("plain"))))
                .isInstanceOf(DovetailException.class)
                .hasMessage("table '" + db + ".plain' at site 'office' uses the storage engine MyISAM; only InnoDB"
                        + " tables can be replicated at a MariaDB site");
    }

    /** MariaDB commits each DDL statement: an install stopped after the columns is finished by the next. */
    @Test
    void installInterruptedBetweenStatementsIsFinishedByTheNext() throws SQLException {
        exec("CREATE TABLE later (id INT PRIMARY KEY, v INT)", "INSERT INTO later VALUES (1, 1)");
        org.dovetail.core.table.TableShape shape;
        try (Connection c = site.connect()) {
            shape = new org.dovetail.core.table.Catalog(c, site.dialect()).describe(db, "later", false);
        }
        List<String> ddl = site.dialect().installSql(shape, SITE);
        exec(ddl.subList(0, 3).toArray(String[]::new)); // tombstone, guard, columns: no triggers, not registered
        new Installer(site).install(List.of(TableName.parse("later")));
        assertThat(value("SELECT dv_version FROM later WHERE id = 1")).isEqualTo("1");
        exec("UPDATE later SET v = 2 WHERE id = 1");
        assertThat(value("SELECT dv_version FROM later WHERE id = 1")).isEqualTo("2");
    }

    /** merge: columns (docs/bookkeeping.md, "Column changes"): dv_cols per change, normal mode. */
    @Test
    void trackedColumnsGetTheEntryOfTheChangeThatLastChangedThem() throws Exception {
        installTracked("items");
        exec("INSERT INTO items VALUES (1, 'a', 1.50)");
        assertThat(value("SELECT dv_cols FROM items WHERE id = 1")).isNull();
        String inserted = seq(1);

        exec("UPDATE items SET name = 'A' WHERE id = 1"); // a case change counts, as for the row
        String named = seq(1);
        assertThat(cols(1)).isEqualTo(Map.of("id", inserted, "name", named, "qty", inserted));

        exec("UPDATE items SET qty = 2 WHERE id = 1");
        String priced = seq(1);
        assertThat(cols(1)).isEqualTo(Map.of("id", inserted, "name", named, "qty", priced));

        exec("UPDATE items SET name = 'A', qty = 2.00 WHERE id = 1");
        exec("UPDATE items SET qty = 2, dv_cols = '{\"qty\":\"1\"}', dv_seq = 5 WHERE id = 1");
        assertThat(seq(1)).isEqualTo(priced);
        assertThat(cols(1)).isEqualTo(Map.of("id", inserted, "name", named, "qty", priced));

        exec("UPDATE items SET qty = NULL, dv_cols = '{}' WHERE id = 1"); // what the statement wrote is overwritten
        assertThat(cols(1)).isEqualTo(Map.of("id", inserted, "name", named, "qty", seq(1)));
    }

    @Test
    void trackedColumnsInApplyingModeNameThePeerTheValueCameFrom() throws Exception {
        installTracked("items");
        try (Connection c = site.connect()) {
            site.dialect().setApplying(c, true);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO items (id, name, qty, dv_version, dv_origin, dv_site, dv_changed_at, dv_from,"
                        + " dv_cols) VALUES (1, 'a', 1, 3, 'o-1', 'laptop', '2024-01-02 03:04:05', 'laptop', '{}')");
            }
            c.commit();
        }
        assertThat(value("SELECT dv_cols FROM items WHERE id = 1")).isNull();
        String received = seq(1);

        exec("UPDATE items SET name = 'b' WHERE id = 1"); // OLD's row-level entry came from laptop
        String named = seq(1);
        assertThat(cols(1)).isEqualTo(Map.of("id", received + "@laptop", "name", named, "qty", received + "@laptop"));

        applying("UPDATE items SET qty = 2, dv_version = 5, dv_from = 'laptop' WHERE id = 1");
        String fromLaptop = seq(1);
        assertThat(cols(1)).isEqualTo(Map.of("id", received + "@laptop", "name", named, "qty", fromLaptop + "@laptop"));

        applying("UPDATE items SET name = 'c', dv_version = 6, dv_from = NULL WHERE id = 1"); // a merge the sync wrote
        String merged = seq(1);
        assertThat(cols(1)).isEqualTo(Map.of("id", received + "@laptop", "name", merged, "qty", fromLaptop + "@laptop"));

        applying("UPDATE items SET dv_version = 7, dv_from = 'phone' WHERE id = 1"); // no column changed
        assertThat(cols(1)).isEqualTo(Map.of("id", received + "@laptop", "name", merged, "qty", fromLaptop + "@laptop"));
    }

    @Test
    void trackedKeyMoveStartsWithoutEntries() throws Exception {
        installTracked("items");
        exec("INSERT INTO items VALUES (1, 'a', 1), (3, 'c', 3)", "UPDATE items SET name = 'b' WHERE id IN (1, 3)");
        assertThat(cols(1)).isNotNull();
        exec("UPDATE items SET id = 2 WHERE id = 1");
        assertThat(value("SELECT dv_cols FROM items WHERE id = 2")).isNull();
        applying("UPDATE items SET id = 4, dv_from = 'laptop' WHERE id = 3");
        assertThat(value("SELECT dv_cols FROM items WHERE id = 4")).isNull();
    }

    /** Any column name is one JSON member; generated columns get no entry; a row from before install none at all. */
    @Test
    void trackedColumnsAreNamedAsTheCatalogStoresThem() throws Exception {
        exec("CREATE TABLE odd (`Id` INT PRIMARY KEY, `a \"b\"` VARCHAR(10), `c\\d.e` INT, `prénom` TEXT,"
                + " g INT AS (`c\\d.e` + 1) VIRTUAL)", "INSERT INTO odd (`Id`, `c\\d.e`) VALUES (1, 1)");
        installTracked("odd");
        assertThat(value("SELECT dv_cols FROM odd WHERE `Id` = 1")).isNull(); // backfilled (applying mode)
        String backfilled = value("SELECT dv_seq FROM odd WHERE `Id` = 1");
        exec("UPDATE odd SET `a \"b\"` = 'x', `c\\d.e` = 2 WHERE `Id` = 1");
        String first = value("SELECT dv_seq FROM odd WHERE `Id` = 1");
        assertThat(json(value("SELECT dv_cols FROM odd WHERE `Id` = 1"))).isEqualTo(Map.of("Id", backfilled,
                "a \"b\"", first, "c\\d.e", first, "prénom", backfilled));
        exec("UPDATE odd SET `prénom` = 'Zoë' WHERE `Id` = 1");
        String second = value("SELECT dv_seq FROM odd WHERE `Id` = 1");
        assertThat(json(value("SELECT dv_cols FROM odd WHERE `Id` = 1"))).isEqualTo(Map.of("Id", backfilled,
                "a \"b\"", first, "c\\d.e", first, "prénom", second));
    }

    @Test
    void dvColsComesAndGoesWithMergeColumns() throws Exception {
        exec("INSERT INTO items VALUES (1, 'a', 1)");
        assertThat(hasCols()).isFalse(); // installed without tracking
        installTracked("items");
        assertThat(value("SELECT dv_cols FROM items WHERE id = 1")).isNull();
        exec("UPDATE items SET name = 'b' WHERE id = 1");
        assertThat(cols(1)).containsEntry("name", seq(1));
        installTracked("items"); // again: the entries stay
        assertThat(cols(1)).containsEntry("name", seq(1));

        new Installer(site).install(List.of(TableName.parse("items")));
        assertThat(hasCols()).isFalse();
        exec("UPDATE items SET name = 'c' WHERE id = 1");
        assertThat(value("SELECT dv_version FROM items WHERE id = 1")).isEqualTo("3");

        installTracked("items");
        assertThat(value("SELECT dv_cols FROM items WHERE id = 1")).isNull();
        new Installer(site).uninstall();
        assertThat(hasCols()).isFalse();
    }

    /**
     * An install under merge: rows stopped after its triggers leaves dv_cols unkept; the next
     * install under merge: columns drops those entries (they could claim a changed column unchanged).
     */
    @Test
    void entriesNoTriggerKeptAreDroppedByTheNextTrackedInstall() throws Exception {
        installTracked("items");
        exec("INSERT INTO items VALUES (1, 'a', 1)", "UPDATE items SET name = 'b' WHERE id = 1");
        org.dovetail.core.table.TableShape shape;
        try (Connection c = site.connect()) {
            shape = new org.dovetail.core.table.Catalog(c, site.dialect()).describe(db, "items", false);
        }
        List<String> untracked = site.dialect().installSql(shape, SITE, false);
        assertThat(untracked.get(untracked.size() - 1)).contains("DROP COLUMN IF EXISTS dv_cols");
        exec(untracked.subList(0, untracked.size() - 1).toArray(String[]::new)); // stopped before the drop
        exec("UPDATE items SET qty = 2 WHERE id = 1");
        String priced = seq(1);
        assertThat(cols(1)).doesNotContainEntry("qty", priced); // stale: qty changed since

        installTracked("items");
        assertThat(value("SELECT dv_cols FROM items WHERE id = 1")).isNull();
        exec("UPDATE items SET name = 'c' WHERE id = 1");
        assertThat(cols(1)).isEqualTo(Map.of("id", priced, "name", seq(1), "qty", priced));
    }

    private void installTracked(String table) {
        TableName name = TableName.parse(table);
        new Installer(site).install(List.of(name), Set.of(name));
    }

    private void applying(String sql) throws SQLException {
        try (Connection c = site.connect()) {
            site.dialect().setApplying(c, true);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            c.commit();
        }
    }

    private boolean hasCols() throws SQLException {
        return !value("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()"
                + " AND table_name = 'items' AND column_name = 'dv_cols'").equals("0");
    }

    private String seq(int id) throws SQLException {
        return value("SELECT dv_seq FROM items WHERE id = " + id);
    }

    private Map<String, String> cols(int id) throws Exception {
        return json(value("SELECT dv_cols FROM items WHERE id = " + id));
    }

    private static Map<String, String> json(String text) throws Exception {
        return text == null ? null : new ObjectMapper().readValue(text, new TypeReference<Map<String, String>>() { });
    }

    private void exec(String... sql) throws SQLException {
        try (Connection c = server.connect(db); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private List<String> row(String sql) throws SQLException {
        try (Connection c = server.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                out.add(rs.getString(i));
            }
            return out;
        }
    }

    private String value(String sql) throws SQLException {
        return row(sql).get(0);
    }
}
