package org.dovetail.installer.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.dovetail.core.config.PasswordSource;
import org.dovetail.core.config.SiteConfig;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Site;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.TableName;
import org.dovetail.core.table.TableShape;
import org.dovetail.installer.MetadataSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite triggers keep bookkeeping and tombstones as docs/bookkeeping.md says, for plain
 * JDBC writes of an application (a connection opened as applications open one: no Dovetail
 * settings), and keep what the sync writes in applying mode.
 */
class SqliteTriggerTest {
    static final String SITE = "laptop";
    static final String BOOKKEEPING = "dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Site site;
    Dialect dialect;
    Connection app;

    @BeforeEach
    void install() throws Exception {
        Path file = dir.resolve("laptop.db");
        String url = "jdbc:sqlite:" + file;
        app = DriverManager.getConnection(url); // creates the file, as the application did
        site = Site.of(new SiteConfig(SITE, url, null, new PasswordSource.None()), Map.of());
        dialect = site.dialect();
        MetadataSchema.migrate(site);
        exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, price REAL)");
        try (Connection c = site.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO dovetail_site (site_id, site_name) VALUES ('" + UUID.randomUUID() + "', '" + SITE + "')");
            TableShape items = new Catalog(c, dialect).find(TableName.parse("items")).orElseThrow();
            for (String sql : dialect.installSql(c, items, SITE)) {
                s.execute(sql);
            }
            c.commit();
        }
    }

    @AfterEach
    void close() throws SQLException {
        app.close();
    }

    @Test
    void catalogSeesTheTableInMainWithItsDeclaredTypes() throws SQLException {
        try (Connection c = site.connect()) {
            TableShape items = new Catalog(c, dialect).find(TableName.parse("items")).orElseThrow();
            assertThat(items.key()).isEqualTo("main.items");
            assertThat(items.primaryKey()).containsExactly("id");
            assertThat(items.columns()).extracting(col -> col.name()).containsExactly("id", "name", "price");
        }
    }

    @Test
    void insertStartsTheRowsHistory() throws SQLException {
        exec("INSERT INTO items (id, name, price) VALUES (1, 'pen', 1.5)");

        Map<String, Object> row = item(1);
        assertThat(row.get("dv_version")).isEqualTo(1);
        assertThat(UUID.fromString((String) row.get("dv_origin")).toString()).isEqualTo(row.get("dv_origin"));
        assertThat(row.get("dv_site")).isEqualTo(SITE);
        assertThat(OffsetDateTime.parse((String) row.get("dv_changed_at"))).isAfter(OffsetDateTime.now().minusMinutes(1));
        assertThat(seq(row)).isPositive();
        assertThat(row.get("dv_from")).isNull();
    }

    @Test
    void everyChangeGetsTheNextSeqInOrder() throws SQLException {
        exec("INSERT INTO items (id, name) VALUES (1, 'pen'), (2, 'ink')");
        exec("UPDATE items SET name = 'pad' WHERE id = 1");
        exec("DELETE FROM items WHERE id = 2");

        long pen = seq(item(1));
        long ink = seq(tomb(2));
        assertThat(ink).isGreaterThan(pen);
        assertThat(rows("SELECT dv_origin FROM items UNION ALL SELECT dv_origin FROM dv_tomb_items"))
                .extracting(r -> r.get("dv_origin")).doesNotHaveDuplicates().hasSize(2);
        assertThat(rows("SELECT value FROM dovetail_change_seq")).containsExactly(Map.of("value", (int) ink));
    }

    @Test
    void updateThatChangesAColumnCountsAsAChange() throws SQLException {
        exec("INSERT INTO items (id, name, price) VALUES (1, 'pen', 1.5)");
        Map<String, Object> before = item(1);
        exec("UPDATE items SET price = 2.5 WHERE id = 1");

        Map<String, Object> after = item(1);
        assertThat(after.get("dv_version")).isEqualTo(2);
        assertThat(after.get("dv_origin")).isEqualTo(before.get("dv_origin"));
        assertThat(seq(after)).isGreaterThan(seq(before));
    }

    @Test
    void sameValueUpdateIsNoChangeAndKeepsTheBookkeeping() throws SQLException {
        exec("INSERT INTO items (id, name, price) VALUES (1, 'pen', 1.5)");
        Map<String, Object> before = item(1);
        exec("UPDATE items SET name = 'pen', price = 1.5 WHERE id = 1");
        exec("UPDATE items SET dv_version = 99, dv_site = 'forged' WHERE id = 1"); // only bookkeeping: undone

        assertThat(item(1)).isEqualTo(before);
    }

    @Test
    void changeInCaseUnderNocaseAndChangeOfTypeAreChanges() throws SQLException {
        exec("INSERT INTO items (id, name, price) VALUES (1, 'pen', 2)");
        exec("UPDATE items SET name = 'PEN' WHERE id = 1");
        assertThat(item(1).get("dv_version")).isEqualTo(2);
        exec("UPDATE items SET name = NULL WHERE id = 1");
        assertThat(item(1).get("dv_version")).isEqualTo(3);
    }

    @Test
    void deleteLeavesATombstoneAndReinsertContinuesTheHistory() throws SQLException {
        exec("INSERT INTO items (id, name) VALUES (1, 'pen')");
        exec("UPDATE items SET name = 'ink' WHERE id = 1");
        Map<String, Object> live = item(1);
        exec("DELETE FROM items WHERE id = 1");

        Map<String, Object> tomb = tomb(1);
        assertThat(tomb.get("dv_version")).isEqualTo(3);
        assertThat(tomb.get("dv_origin")).isEqualTo(live.get("dv_origin"));
        assertThat(seq(tomb)).isGreaterThan(seq(live));

        exec("INSERT INTO items (id, name) VALUES (1, 'pad')");
        Map<String, Object> again = item(1);
        assertThat(again.get("dv_version")).isEqualTo(4);
        assertThat(again.get("dv_origin")).isEqualTo(live.get("dv_origin"));
        assertThat(rows("SELECT id FROM dv_tomb_items")).isEmpty();
    }

    @Test
    void deleteWithoutWhereLeavesATombstonePerRow() throws SQLException {
        exec("INSERT INTO items (id, name) VALUES (1, 'pen'), (2, 'ink'), (3, 'pad')");
        exec("DELETE FROM items");
        assertThat(rows("SELECT id FROM dv_tomb_items ORDER BY dv_seq")).hasSize(3);
    }

    @Test
    void keyMoveLeavesATombstoneForTheOldKey() throws SQLException {
        exec("INSERT INTO items (id, name) VALUES (1, 'pen')");
        Map<String, Object> before = item(1);
        exec("UPDATE items SET id = 7 WHERE id = 1");

        Map<String, Object> old = tomb(1);
        assertThat(old.get("dv_version")).isEqualTo(2);
        assertThat(old.get("dv_origin")).isEqualTo(before.get("dv_origin"));
        Map<String, Object> moved = item(7);
        assertThat(moved.get("dv_version")).isEqualTo(1);
        assertThat(moved.get("dv_origin")).isNotEqualTo(before.get("dv_origin"));
        assertThat(seq(moved)).isGreaterThan(seq(old));
    }

    @Test
    void columnAddedAfterInstallIsNotMissed() throws SQLException {
        exec("INSERT INTO items (id, name) VALUES (1, 'pen')");
        exec("ALTER TABLE items ADD COLUMN note TEXT");
        exec("UPDATE items SET note = 'new' WHERE id = 1");
        assertThat(item(1).get("dv_version")).isEqualTo(2);
    }

    @Test
    void applyingModeKeepsIncomingBookkeepingAndGivesANewSeq() throws SQLException {
        exec("INSERT INTO items (id, name) VALUES (1, 'pen')");
        long before = seq(item(1));
        try (Connection sync = site.connect(); Statement s = sync.createStatement()) {
            dialect.setApplying(sync, true);
            s.execute("INSERT INTO items (id, name, dv_version, dv_origin, dv_site, dv_changed_at, dv_from)"
                    + " VALUES (2, 'ink', 5, 'o-2', 'office', '2026-01-02T03:04:05Z', 'office')");
            s.execute("UPDATE items SET name = 'nib', dv_version = 9, dv_site = 'office', dv_from = 'office' WHERE id = 1");
            s.execute("DELETE FROM items WHERE id = 1");
            dialect.setApplying(sync, false);
            sync.commit();
        }
        Map<String, Object> ink = item(2);
        assertThat(ink).containsEntry("dv_version", 5).containsEntry("dv_origin", "o-2").containsEntry("dv_site", "office")
                .containsEntry("dv_changed_at", "2026-01-02T03:04:05Z").containsEntry("dv_from", "office");
        assertThat(seq(ink)).isGreaterThan(before);
        assertThat(rows("SELECT id FROM dv_tomb_items")).as("the sync writes tombstones itself").isEmpty();
        assertThat(rows("SELECT id FROM dovetail_applying")).as("applying mode ends with the transaction").isEmpty();

        exec("UPDATE items SET name = 'pad' WHERE id = 2");
        assertThat(item(2)).containsEntry("dv_version", 6).containsEntry("dv_site", SITE);
    }

    @Test
    void tombstonesAndConflictRecordsTheSyncWritesGetANewSeq() throws SQLException {
        try (Connection sync = site.connect(); Statement s = sync.createStatement()) {
            dialect.setApplying(sync, true);
            s.execute("INSERT INTO dv_tomb_items (id, dv_version, dv_origin, dv_site, dv_seq) VALUES (3, 2, 'o', 'office', NULL)");
            s.execute("INSERT INTO dovetail_conflict (conflict_id, status, updated_seq) VALUES ('c1', 'open', NULL)");
            dialect.setApplying(sync, false);
            sync.commit();
        }
        long tomb = seq(tomb(3));
        assertThat(tomb).isPositive();
        long conflict = ((Number) rows("SELECT updated_seq FROM dovetail_conflict").get(0).get("updated_seq")).longValue();
        assertThat(conflict).isGreaterThan(tomb);
        exec("UPDATE dovetail_conflict SET status = 'resolved'");
        assertThat(((Number) rows("SELECT updated_seq FROM dovetail_conflict").get(0).get("updated_seq")).longValue())
                .isGreaterThan(conflict);
    }

    @Test
    void installAgainAndUninstallLeaveTheTableAsBefore() throws SQLException {
        exec("INSERT INTO items (id, name, price) VALUES (1, 'pen', 1.5)");
        try (Connection c = site.connect(); Statement s = c.createStatement()) {
            TableShape items = new Catalog(c, dialect).find(TableName.parse("items")).orElseThrow();
            for (String sql : dialect.installSql(c, items, SITE)) {
                s.execute(sql);
            }
            for (int i = 0; i < 2; i++) {
                for (String sql : dialect.uninstallSql(c, items)) {
                    s.execute(sql);
                }
            }
            c.commit();
        }
        assertThat(rows("SELECT * FROM items")).containsExactly(Map.of("id", 1, "name", "pen", "price", 1.5));
        assertThat(rows("SELECT name FROM sqlite_master WHERE name LIKE 'dv%' AND name NOT LIKE 'dv_schema_history%'")).isEmpty();
    }

    @Test
    void underMergeColumnsAnInsertHasNoEntriesAndAnUpdateMarksTheColumnsItChanged() throws Exception {
        track(true);
        exec("INSERT INTO people (id, phone, address, note) VALUES (1, '555-0100', 'Elm St 1', 'a')");
        Map<String, Object> inserted = person(1);
        assertThat(inserted.get("dv_cols")).isNull();
        String insert = "" + seq(inserted);

        exec("UPDATE people SET phone = '555-0199' WHERE id = 1");
        Map<String, Object> first = person(1);
        String phone = "" + seq(first);
        assertThat(cols(first)).isEqualTo(Map.of("id", insert, "phone", phone, "address", insert, "note", insert));

        exec("UPDATE people SET address = 'Oak Ave 2' WHERE id = 1");
        Map<String, Object> second = person(1);
        assertThat(seq(second)).isGreaterThan(seq(first));
        assertThat(cols(second)).isEqualTo(Map.of("id", insert, "phone", phone, "address", "" + seq(second),
                "note", insert));
    }

    @Test
    void underMergeColumnsAChangeIsTheRowLevelTestPerColumn() throws Exception {
        track(true);
        exec("INSERT INTO people (id, phone, address, note) VALUES (1, 'abc', '1', NULL)");
        String insert = "" + seq(person(1));

        exec("UPDATE people SET phone = 'ABC' WHERE id = 1"); // the same under NOCASE, other bytes
        String upper = "" + seq(person(1));
        assertThat(cols(person(1))).containsEntry("phone", upper).containsEntry("address", insert);
        exec("UPDATE people SET address = CAST(address AS BLOB) WHERE id = 1"); // the same bytes, another type
        exec("UPDATE people SET note = '' WHERE id = 1"); // NULL to ''
        Map<String, Object> row = person(1);
        assertThat(cols(row)).containsEntry("phone", upper).containsEntry("address", "" + (Long.parseLong(upper) + 1))
                .containsEntry("note", "" + seq(row)).containsEntry("id", insert);
    }

    @Test
    void underMergeColumnsAnUpdateThatChangesNothingKeepsTheEntriesWhateverItWrote() throws Exception {
        track(true);
        exec("INSERT INTO people (id, phone, address) VALUES (1, '555-0100', 'Elm St 1')");
        exec("UPDATE people SET phone = '555-0199' WHERE id = 1");
        Map<String, Object> before = person(1);

        exec("UPDATE people SET phone = '555-0199', address = 'Elm St 1' WHERE id = 1");
        assertThat(person(1)).isEqualTo(before);
        exec("UPDATE people SET phone = '555-0199', dv_cols = '{}' WHERE id = 1");
        assertThat(person(1)).isEqualTo(before);
        exec("UPDATE people SET dv_cols = NULL, dv_seq = 99 WHERE id = 1");
        assertThat(person(1)).isEqualTo(before);
    }

    @Test
    void underMergeColumnsARowReceivedFromAPeerMarksTheColumnsItChangedWithThePeer() throws Exception {
        track(true);
        exec("INSERT INTO people (id, phone, address, note) VALUES (1, '555-0100', 'Elm St 1', 'a')");
        String insert = "" + seq(person(1));
        applying("UPDATE people SET note = 'b', dv_version = 2, dv_site = 'office', dv_from = 'office', dv_cols = '{}'"
                + " WHERE id = 1");
        Map<String, Object> received = person(1);
        String note = seq(received) + "@office";
        assertThat(cols(received)).isEqualTo(Map.of("id", insert, "phone", insert, "address", insert, "note", note));

        // a local change afterwards keeps the received column's entry, peer and all
        exec("UPDATE people SET phone = '555-0142' WHERE id = 1");
        Map<String, Object> local = person(1);
        assertThat(cols(local)).isEqualTo(Map.of("id", insert, "phone", "" + seq(local), "address", insert,
                "note", note));
    }

    @Test
    void underMergeColumnsAMergeTheSyncWritesAsItsOwnChangeHasNoPeer() throws Exception {
        track(true);
        applying("INSERT INTO people (id, phone, address, dv_version, dv_origin, dv_site, dv_from, dv_cols)"
                + " VALUES (1, 'x', 'y', 1, 'o-1', 'office', 'office', '{\"phone\":\"1\"}')");
        Map<String, Object> inserted = person(1);
        assertThat(inserted.get("dv_cols")).as("an insert has no entries, whatever the sync wrote").isNull();
        String received = seq(inserted) + "@office";

        applying("UPDATE people SET address = 'z', dv_version = 2, dv_from = NULL WHERE id = 1");
        Map<String, Object> merged = person(1);
        assertThat(cols(merged)).isEqualTo(Map.of("id", received, "phone", received, "address", "" + seq(merged),
                "note", received));
    }

    @Test
    void underMergeColumnsAKeyMoveAndARowNotBackfilledStartOver() throws Exception {
        track(true);
        exec("INSERT INTO people (id, phone) VALUES (1, '555-0100')");
        exec("UPDATE people SET phone = '555-0199' WHERE id = 1");
        assertThat(person(1).get("dv_cols")).isNotNull();
        exec("UPDATE people SET id = 7 WHERE id = 1");
        assertThat(person(7).get("dv_cols")).isNull();

        exec("UPDATE people SET phone = '555-0111' WHERE id = 7");
        applying("UPDATE people SET dv_version = NULL, dv_cols = NULL WHERE id = 7"); // as if from before install
        exec("UPDATE people SET phone = '555-0122' WHERE id = 7");
        assertThat(person(7)).containsEntry("dv_version", 1).containsEntry("dv_cols", null);
    }

    @Test
    void installWithoutTrackingDropsDvColsAndWithTrackingAddsItBack() throws Exception {
        assertThat(columns("items")).doesNotContain("dv_cols");
        track(true);
        exec("INSERT INTO people (id, phone) VALUES (1, '555-0100')");
        exec("UPDATE people SET phone = '555-0199' WHERE id = 1");
        track(true);
        assertThat(cols(person(1))).containsEntry("phone", "" + seq(person(1)));

        track(false);
        assertThat(columns("people")).doesNotContain("dv_cols");
        exec("UPDATE people SET phone = '555-0111' WHERE id = 1");
        assertThat(rows("SELECT dv_version FROM people")).containsExactly(Map.of("dv_version", 3));
        track(false);

        track(true);
        assertThat(person(1)).containsEntry("dv_cols", null);
        try (Connection c = site.connect(); Statement s = c.createStatement()) {
            for (String sql : dialect.uninstallSql(c, people)) {
                s.execute(sql);
            }
            c.commit();
        }
        assertThat(columns("people")).containsExactly("id", "phone", "address", "note");
    }

    @Test
    void underMergeColumnsTheKeysAreTheNamesAsTheCatalogHasThem() throws Exception {
        exec("CREATE TABLE odd (id INTEGER PRIMARY KEY, \"Tel.\"\"Home\\\" TEXT, plain TEXT)");
        installTable(shape("odd"), true);
        exec("INSERT INTO odd (id, \"Tel.\"\"Home\\\", plain) VALUES (1, 'a', 'b')");
        exec("UPDATE odd SET \"Tel.\"\"Home\\\" = 'c' WHERE id = 1");
        long first = seq(rows("SELECT dv_seq FROM odd").get(0));
        exec("UPDATE odd SET plain = 'd' WHERE id = 1");
        exec("UPDATE odd SET plain = 'e' WHERE id = 1"); // the odd column's entry now differs from the row's

        Map<String, Object> row = rows("SELECT dv_seq, dv_cols FROM odd").get(0);
        assertThat(cols(row)).isEqualTo(Map.of("id", "" + (first - 1), "Tel.\"Home\\", "" + first,
                "plain", "" + seq(row)));
    }

    private TableShape people;

    /** Installs table people ({@code merge: columns} when {@code trackColumns}), creating it the first time. */
    private void track(boolean trackColumns) throws SQLException {
        if (people == null) {
            exec("CREATE TABLE people (id INTEGER PRIMARY KEY, phone TEXT COLLATE NOCASE, address TEXT, note TEXT)");
            people = shape("people");
        }
        installTable(people, trackColumns);
    }

    private void installTable(TableShape table, boolean trackColumns) throws SQLException {
        try (Connection c = site.connect(); Statement s = c.createStatement()) {
            for (String sql : dialect.installSql(c, table, SITE, trackColumns)) {
                s.execute(sql);
            }
            c.commit();
        }
    }

    private TableShape shape(String table) throws SQLException {
        try (Connection c = site.connect()) {
            return new Catalog(c, dialect).find(TableName.parse(table)).orElseThrow();
        }
    }

    private void applying(String sql) throws SQLException {
        try (Connection sync = site.connect(); Statement s = sync.createStatement()) {
            dialect.setApplying(sync, true);
            s.execute(sql);
            dialect.setApplying(sync, false);
            sync.commit();
        }
    }

    private Map<String, Object> person(int id) throws SQLException {
        return rows("SELECT dv_version, dv_seq, dv_from, dv_cols FROM people WHERE id = " + id).get(0);
    }

    private static Map<String, String> cols(Map<String, Object> row) throws Exception {
        return JSON.readValue((String) row.get("dv_cols"), new TypeReference<Map<String, String>>() { });
    }

    private List<String> columns(String table) throws SQLException {
        return rows("SELECT name FROM pragma_table_info('" + table + "')").stream().map(r -> (String) r.get("name"))
                .toList();
    }

    private Map<String, Object> item(int id) throws SQLException {
        return rows("SELECT " + BOOKKEEPING + " FROM items WHERE id = " + id).get(0);
    }

    private Map<String, Object> tomb(int id) throws SQLException {
        return rows("SELECT " + BOOKKEEPING + " FROM dv_tomb_items WHERE id = " + id).get(0);
    }

    private static long seq(Map<String, Object> row) {
        return ((Number) row.get("dv_seq")).longValue();
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = app.createStatement()) {
            s.execute(sql);
        }
    }

    private List<Map<String, Object>> rows(String sql) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
