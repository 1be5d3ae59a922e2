package org.dovetail.installer.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The H2 trigger keeps bookkeeping and tombstones as docs/bookkeeping.md says, for plain JDBC writes. */
class H2TriggerTest extends H2SiteTest {
    static final TableShape ITEMS = new TableShape("PUBLIC", "ITEMS", List.of(
            new Column("ID", Types.INTEGER, "INTEGER", 32, 0, false),
            new Column("NAME", Types.VARCHAR, "CHARACTER VARYING", 100, 0, true),
            new Column("PRICE", Types.NUMERIC, "NUMERIC", 10, 2, true)), List.of("ID"));

    static final String BOOKKEEPING = "DV_VERSION, DV_ORIGIN, DV_SITE, DV_CHANGED_AT, DV_SEQ, DV_FROM";

    @BeforeEach
    void createItems() throws SQLException {
        exec(db, "CREATE TABLE ITEMS (ID INTEGER PRIMARY KEY, NAME VARCHAR(100), PRICE NUMERIC(10, 2))");
        install(ITEMS);
    }

    Map<String, Object> item(int id) throws SQLException {
        return row(db, "SELECT " + BOOKKEEPING + " FROM ITEMS WHERE ID = " + id);
    }

    Map<String, Object> tomb(int id) throws SQLException {
        return row(db, "SELECT " + BOOKKEEPING + " FROM DV_TOMB_ITEMS WHERE ID = " + id);
    }

    static long seq(Map<String, Object> row) {
        return (Long) row.get("DV_SEQ");
    }

    @Test
    void insertStartsTheRowsHistory() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME, PRICE) VALUES (1, 'pen', 1.50)");

        Map<String, Object> row = item(1);
        assertThat(row.get("DV_VERSION")).isEqualTo(1L);
        assertThat(UUID.fromString((String) row.get("DV_ORIGIN")).toString()).isEqualTo(row.get("DV_ORIGIN"));
        assertThat(row.get("DV_SITE")).isEqualTo(SITE);
        assertThat((OffsetDateTime) row.get("DV_CHANGED_AT")).isAfter(OffsetDateTime.now().minusMinutes(1));
        assertThat(seq(row)).isPositive();
        assertThat(row.get("DV_FROM")).isNull();
    }

    @Test
    void everyInsertGetsItsOwnOriginAndSeq() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen'), (2, 'ink'), (3, 'pad')");

        List<Map<String, Object>> rows = rows(db, "SELECT DV_ORIGIN, DV_SEQ FROM ITEMS");
        assertThat(rows).extracting(r -> r.get("DV_ORIGIN")).doesNotHaveDuplicates().hasSize(3);
        assertThat(rows).extracting(r -> r.get("DV_SEQ")).doesNotHaveDuplicates().hasSize(3);
    }

    @Test
    void applicationsThatInsertWithoutAColumnListOrSelectStarSeeTheTableAsBefore() throws SQLException {
        exec(db, "INSERT INTO ITEMS VALUES (1, 'pen', 1.50)");

        assertThat(rows(db, "SELECT * FROM ITEMS")).containsExactly(Map.of("ID", 1, "NAME", "pen",
                "PRICE", new BigDecimal("1.50")));
        assertThat(item(1).get("DV_VERSION")).isEqualTo(1L);
    }

    @Test
    void updateThatChangesAColumnCountsAsAChange() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME, PRICE) VALUES (1, 'pen', 1.50)");
        Map<String, Object> before = item(1);

        exec(db, "UPDATE ITEMS SET PRICE = 1.75 WHERE ID = 1");

        Map<String, Object> after = item(1);
        assertThat(after.get("DV_VERSION")).isEqualTo(2L);
        assertThat(after.get("DV_ORIGIN")).isEqualTo(before.get("DV_ORIGIN"));
        assertThat(after.get("DV_SITE")).isEqualTo(SITE);
        assertThat(seq(after)).isGreaterThan(seq(before));
        assertThat(after.get("DV_FROM")).isNull();
    }

    @Test
    void updateThatSetsTheSameValuesChangesNothing() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME, PRICE) VALUES (1, 'pen', 1.50)");
        Map<String, Object> before = item(1);

        exec(db, "UPDATE ITEMS SET NAME = 'pen', PRICE = 1.5 WHERE ID = 1");
        exec(db, "UPDATE ITEMS SET ID = 1");

        assertThat(item(1)).isEqualTo(before);
    }

    @Test
    void whatTheApplicationPutsIntoBookkeepingColumnsIsOverwritten() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME, DV_VERSION, DV_ORIGIN, DV_SITE, DV_SEQ, DV_FROM)"
                + " VALUES (1, 'pen', 99, 'forged', 'elsewhere', 123456, 'peer')");
        Map<String, Object> inserted = item(1);
        assertThat(inserted.get("DV_VERSION")).isEqualTo(1L);
        assertThat(inserted.get("DV_ORIGIN")).isNotEqualTo("forged");
        assertThat(inserted.get("DV_SITE")).isEqualTo(SITE);
        assertThat(seq(inserted)).isNotEqualTo(123456L);
        assertThat(inserted.get("DV_FROM")).isNull();

        exec(db, "UPDATE ITEMS SET DV_VERSION = 50, DV_ORIGIN = 'forged', DV_FROM = 'peer' WHERE ID = 1");
        assertThat(item(1)).isEqualTo(inserted);

        exec(db, "UPDATE ITEMS SET NAME = 'ink', DV_VERSION = 50, DV_ORIGIN = 'forged', DV_FROM = 'peer'");
        Map<String, Object> updated = item(1);
        assertThat(updated.get("DV_VERSION")).isEqualTo(2L);
        assertThat(updated.get("DV_ORIGIN")).isEqualTo(inserted.get("DV_ORIGIN"));
        assertThat(updated.get("DV_FROM")).isNull();
    }

    @Test
    void deleteLeavesATombstoneWithTheNextVersion() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen')");
        exec(db, "UPDATE ITEMS SET NAME = 'ink' WHERE ID = 1");
        Map<String, Object> alive = item(1);

        exec(db, "DELETE FROM ITEMS WHERE ID = 1");

        assertThat(item(1)).isNull();
        Map<String, Object> dead = tomb(1);
        assertThat(dead.get("DV_VERSION")).isEqualTo(3L);
        assertThat(dead.get("DV_ORIGIN")).isEqualTo(alive.get("DV_ORIGIN"));
        assertThat(dead.get("DV_SITE")).isEqualTo(SITE);
        assertThat(dead.get("DV_CHANGED_AT")).isNotNull();
        assertThat(seq(dead)).isGreaterThan(seq(alive));
        assertThat(dead.get("DV_FROM")).isNull();
    }

    @Test
    void reinsertingADeletedKeyContinuesItsHistory() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen')");
        String origin = (String) item(1).get("DV_ORIGIN");
        exec(db, "DELETE FROM ITEMS WHERE ID = 1");
        long deadSeq = seq(tomb(1));

        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen again')");

        Map<String, Object> reborn = item(1);
        assertThat(reborn.get("DV_VERSION")).isEqualTo(3L);
        assertThat(reborn.get("DV_ORIGIN")).isEqualTo(origin);
        assertThat(seq(reborn)).isGreaterThan(deadSeq);
        assertThat(tomb(1)).isNull();

        exec(db, "DELETE FROM ITEMS WHERE ID = 1");
        assertThat(tomb(1).get("DV_VERSION")).isEqualTo(4L);
        assertThat(tomb(1).get("DV_ORIGIN")).isEqualTo(origin);
    }

    @Test
    void changingThePrimaryKeyBuriesTheOldKeyAndInsertsTheNewOne() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen'), (2, 'ink')");
        Map<String, Object> one = item(1);
        Map<String, Object> two = item(2);
        exec(db, "DELETE FROM ITEMS WHERE ID = 2");

        exec(db, "UPDATE ITEMS SET ID = 2 WHERE ID = 1");

        Map<String, Object> dead = tomb(1);
        assertThat(dead.get("DV_VERSION")).isEqualTo(2L);
        assertThat(dead.get("DV_ORIGIN")).isEqualTo(one.get("DV_ORIGIN"));
        Map<String, Object> moved = item(2);
        assertThat(moved.get("DV_VERSION")).as("continues key 2's tombstone").isEqualTo(3L);
        assertThat(moved.get("DV_ORIGIN")).isEqualTo(two.get("DV_ORIGIN"));
        assertThat(tomb(2)).isNull();
        assertThat(seq(moved)).isGreaterThan(seq(dead));

        exec(db, "UPDATE ITEMS SET ID = 3 WHERE ID = 2");
        Map<String, Object> fresh = item(3);
        assertThat(fresh.get("DV_VERSION")).isEqualTo(1L);
        assertThat(fresh.get("DV_ORIGIN")).isNotIn(one.get("DV_ORIGIN"), two.get("DV_ORIGIN"));
        assertThat(tomb(2).get("DV_VERSION")).isEqualTo(4L);
    }

    @Test
    void rowsFromBeforeTheInstallStartTheirHistoryOnFirstChange() throws SQLException {
        exec(db, "CREATE TABLE OLD_ITEMS (ID INTEGER PRIMARY KEY, NAME VARCHAR(100))");
        exec(db, "INSERT INTO OLD_ITEMS VALUES (1, 'pen'), (2, 'ink')");
        TableShape shape = new TableShape("PUBLIC", "OLD_ITEMS", List.of(ITEMS.columns().get(0),
                ITEMS.columns().get(1)), List.of("ID"));
        install(shape);
        assertThat(row(db, "SELECT DV_VERSION, DV_SEQ FROM OLD_ITEMS WHERE ID = 1").get("DV_VERSION")).isNull();

        exec(db, "UPDATE OLD_ITEMS SET NAME = 'ink!' WHERE ID = 2");
        exec(db, "DELETE FROM OLD_ITEMS WHERE ID = 1");

        Map<String, Object> updated = row(db, "SELECT " + BOOKKEEPING + " FROM OLD_ITEMS WHERE ID = 2");
        assertThat(updated.get("DV_VERSION")).isEqualTo(1L);
        assertThat(updated.get("DV_ORIGIN")).isNotNull();
        assertThat(updated.get("DV_SEQ")).isNotNull();
        Map<String, Object> dead = row(db, "SELECT " + BOOKKEEPING + " FROM DV_TOMB_OLD_ITEMS WHERE ID = 1");
        assertThat(dead.get("DV_VERSION")).isEqualTo(1L);
        assertThat(dead.get("DV_ORIGIN")).isNotNull();
    }

    @Test
    void applyingModeKeepsTheIncomingBookkeepingButGivesALocalSeq() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (2, 'doomed')");
        exec(db, "DELETE FROM ITEMS WHERE ID = 2");
        long before = seq(tomb(2));
        dialect.setApplying(db, true);

        exec(db, "INSERT INTO ITEMS (ID, NAME, DV_VERSION, DV_ORIGIN, DV_SITE, DV_CHANGED_AT, DV_SEQ, DV_FROM)"
                + " VALUES (1, 'pen', 7, 'origin-1', 'desktop', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:05+02',"
                + " 999999, 'desktop'), (2, 'back', 5, 'origin-2', 'desktop', NULL, 1, 'desktop')");

        Map<String, Object> one = item(1);
        assertThat(one.get("DV_VERSION")).isEqualTo(7L);
        assertThat(one.get("DV_ORIGIN")).isEqualTo("origin-1");
        assertThat(one.get("DV_SITE")).isEqualTo("desktop");
        assertThat(one.get("DV_CHANGED_AT")).isEqualTo(OffsetDateTime.parse("2024-01-02T03:04:05+02:00"));
        assertThat(one.get("DV_FROM")).isEqualTo("desktop");
        assertThat(seq(one)).isGreaterThan(before).isNotEqualTo(999999L);
        assertThat(tomb(2)).as("a row the sync inserts replaces its key's tombstone").isNull();
        assertThat(seq(item(2))).isGreaterThan(before).isNotEqualTo(1L);

        exec(db, "UPDATE ITEMS SET NAME = 'pen', DV_VERSION = 8, DV_SITE = 'hq', DV_FROM = 'office' WHERE ID = 1");
        Map<String, Object> updated = item(1);
        assertThat(updated.get("DV_VERSION")).isEqualTo(8L);
        assertThat(updated.get("DV_ORIGIN")).isEqualTo("origin-1");
        assertThat(updated.get("DV_SITE")).isEqualTo("hq");
        assertThat(updated.get("DV_FROM")).isEqualTo("office");
        assertThat(seq(updated)).as("a new local seq, so the change travels on").isGreaterThan(seq(one));

        exec(db, "DELETE FROM ITEMS WHERE ID = 1");
        assertThat(item(1)).isNull();
        assertThat(tomb(1)).as("the sync writes tombstones itself").isNull();

        dialect.setApplying(db, false);
        exec(db, "INSERT INTO ITEMS (ID, NAME, DV_VERSION) VALUES (3, 'local', 7)");
        assertThat(item(3).get("DV_VERSION")).isEqualTo(1L);
        assertThat(item(3).get("DV_SITE")).isEqualTo(SITE);
    }

    @Test
    void applyingModeBelongsToOneSessionAndIsOffByDefault() throws SQLException {
        Connection other = connect();
        dialect.setApplying(db, true);

        exec(other, "INSERT INTO ITEMS (ID, NAME, DV_VERSION, DV_SITE) VALUES (1, 'pen', 7, 'desktop')");
        exec(db, "INSERT INTO ITEMS (ID, NAME, DV_VERSION, DV_SITE) VALUES (2, 'ink', 7, 'desktop')");

        assertThat(item(1).get("DV_VERSION")).isEqualTo(1L);
        assertThat(item(1).get("DV_SITE")).isEqualTo(SITE);
        assertThat(item(2).get("DV_VERSION")).isEqualTo(7L);
        assertThat(item(2).get("DV_SITE")).isEqualTo("desktop");
        Connection fresh = connect();
        exec(fresh, "DELETE FROM ITEMS WHERE ID = 2");
        assertThat(tomb(2)).isNotNull();
    }

    @Test
    void rollbackLeavesNoTrace() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen'), (2, 'ink')");
        exec(db, "DELETE FROM ITEMS WHERE ID = 2");
        String all = "SELECT ID, NAME, PRICE, " + BOOKKEEPING + " FROM ITEMS ORDER BY ID";
        List<Map<String, Object>> table = rows(db, all);
        List<Map<String, Object>> tombs = rows(db, "SELECT * FROM DV_TOMB_ITEMS ORDER BY ID");

        db.setAutoCommit(false);
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (3, 'pad')");
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (2, 'ink again')");
        exec(db, "UPDATE ITEMS SET NAME = 'quill' WHERE ID = 1");
        exec(db, "DELETE FROM ITEMS WHERE ID = 1");
        db.rollback();
        db.setAutoCommit(true);

        assertThat(rows(db, all)).isEqualTo(table);
        assertThat(rows(db, "SELECT * FROM DV_TOMB_ITEMS ORDER BY ID")).isEqualTo(tombs);
    }

    @Test
    void aFailedStatementLeavesNoTombstone() throws SQLException {
        exec(db, "CREATE TABLE ORDERS (ID INTEGER PRIMARY KEY, ITEM_ID INTEGER REFERENCES ITEMS (ID))");
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen')");
        exec(db, "INSERT INTO ORDERS VALUES (10, 1)");

        assertThatThrownBy(() -> exec(db, "DELETE FROM ITEMS WHERE ID = 1")).isInstanceOf(SQLException.class);

        assertThat(item(1)).isNotNull();
        assertThat(tomb(1)).isNull();
    }

    @Test
    void compositeKeysWork() throws SQLException {
        exec(db, "CREATE TABLE LINES (ORDER_NO VARCHAR(20), LINE_NO INTEGER, QTY INTEGER,"
                + " PRIMARY KEY (ORDER_NO, LINE_NO))");
        install(new TableShape("PUBLIC", "LINES", List.of(
                new Column("ORDER_NO", Types.VARCHAR, "CHARACTER VARYING", 20, 0, false),
                new Column("LINE_NO", Types.INTEGER, "INTEGER", 32, 0, false),
                new Column("QTY", Types.INTEGER, "INTEGER", 32, 0, true)), List.of("ORDER_NO", "LINE_NO")));
        exec(db, "INSERT INTO LINES (ORDER_NO, LINE_NO, QTY) VALUES ('A-1', 1, 5), ('A-1', 2, 6), ('B-7', 1, 7)");
        String origin = (String) single(db, "SELECT DV_ORIGIN FROM LINES WHERE ORDER_NO = 'A-1' AND LINE_NO = 2");

        exec(db, "DELETE FROM LINES WHERE ORDER_NO = 'A-1' AND LINE_NO = 2");
        assertThat(rows(db, "SELECT ORDER_NO, LINE_NO, DV_VERSION, DV_ORIGIN FROM DV_TOMB_LINES"))
                .containsExactly(Map.of("ORDER_NO", "A-1", "LINE_NO", 2, "DV_VERSION", 2L, "DV_ORIGIN", origin));

        exec(db, "INSERT INTO LINES (ORDER_NO, LINE_NO, QTY) VALUES ('A-1', 2, 9)");
        assertThat(row(db, "SELECT DV_VERSION, DV_ORIGIN FROM LINES WHERE ORDER_NO = 'A-1' AND LINE_NO = 2"))
                .isEqualTo(Map.of("DV_VERSION", 3L, "DV_ORIGIN", origin));
        assertThat(rows(db, "SELECT * FROM DV_TOMB_LINES")).isEmpty();
        assertThat(single(db, "SELECT DV_VERSION FROM LINES WHERE ORDER_NO = 'B-7'")).isEqualTo(1L);
    }

    @Test
    void aMultiRowUpdateGivesEachRowItsOwnSeq() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) SELECT X, 'item ' || X FROM SYSTEM_RANGE(1, 50)");

        exec(db, "UPDATE ITEMS SET NAME = NAME || '!' WHERE ID <= 40");

        assertThat(rows(db, "SELECT DISTINCT DV_SEQ FROM ITEMS")).hasSize(50);
        assertThat(single(db, "SELECT COUNT(*) FROM ITEMS WHERE DV_VERSION = 2")).isEqualTo(40L);
    }

    @Test
    void theTriggerFollowsColumnsAddedLater() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen')");
        exec(db, "ALTER TABLE ITEMS ADD COLUMN COLOUR VARCHAR(20) BEFORE NAME");

        exec(db, "UPDATE ITEMS SET COLOUR = 'red' WHERE ID = 1");
        exec(db, "UPDATE ITEMS SET COLOUR = 'red' WHERE ID = 1");

        assertThat(item(1).get("DV_VERSION")).isEqualTo(2L);
        assertThat(item(1).get("DV_SITE")).isEqualTo(SITE);

        // H2 loads the trigger again under the name of the table's temporary copy: the
        // tombstones still go to DV_TOMB_ITEMS.
        exec(db, "DELETE FROM ITEMS WHERE ID = 1");
        assertThat(tomb(1).get("DV_VERSION")).isEqualTo(3L);
        exec(db, "ALTER TABLE ITEMS DROP COLUMN COLOUR");
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen again')");
        assertThat(item(1).get("DV_VERSION")).isEqualTo(4L);
        assertThat(tomb(1)).isNull();
    }

    @Test
    void generatedColumnsAreComparedAsComputed() throws SQLException {
        exec(db, "CREATE TABLE PRICED (ID INTEGER PRIMARY KEY, QTY INTEGER, PRICE NUMERIC(10, 2),"
                + " TOTAL NUMERIC(20, 2) GENERATED ALWAYS AS (QTY * PRICE))");
        TableShape priced = new org.dovetail.core.table.Catalog(db, dialect).describe("PUBLIC", "PRICED", false);
        assertThat(priced.column("TOTAL").orElseThrow().generated()).as("read from the catalog").isTrue();
        install(priced);
        exec(db, "INSERT INTO PRICED (ID, QTY, PRICE) VALUES (1, 2, 1.50)");

        exec(db, "UPDATE PRICED SET QTY = 2, PRICE = 1.5 WHERE ID = 1");
        assertThat(single(db, "SELECT DV_VERSION FROM PRICED")).isEqualTo(1L);
        exec(db, "UPDATE PRICED SET QTY = 3 WHERE ID = 1");
        assertThat(row(db, "SELECT TOTAL, DV_VERSION FROM PRICED")).isEqualTo(Map.of("TOTAL", new BigDecimal("4.50"),
                "DV_VERSION", 2L));
    }

    /** "Replace" in two sessions: the insert waits for the uncommitted delete of its key, and continues its history. */
    @Test
    void anInsertWaitingForADeleteOfItsKeyContinuesTheKeysHistory() throws Exception {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen')");
        String origin = (String) item(1).get("DV_ORIGIN");
        Connection deleter = connect();
        Connection inserter = connect();
        deleter.setAutoCommit(false);
        exec(deleter, "DELETE FROM ITEMS WHERE ID = 1");
        java.util.concurrent.CompletableFuture<Void> insert = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                exec(inserter, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'replaced')");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(insert).as("waits for the delete").isNotDone();
        deleter.commit();
        insert.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(tomb(1)).as("alive, so not dead").isNull();
        assertThat(item(1).get("DV_VERSION")).isEqualTo(3L);
        assertThat(item(1).get("DV_ORIGIN")).isEqualTo(origin);
    }

    @Test
    void truncateIsRefusedUntilUninstall() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen')");

        assertThatThrownBy(() -> exec(db, "TRUNCATE TABLE ITEMS")).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("Cannot truncate \"PUBLIC.ITEMS\"");
        assertThat(item(1)).isNotNull();

        uninstall(ITEMS);
        exec(db, "TRUNCATE TABLE ITEMS");
        assertThat(rows(db, "SELECT * FROM ITEMS")).isEmpty();
    }

    /** H2 has no EXECUTE right on functions: SET_APPLYING itself refuses whoever did not install. */
    @Test
    void applyingModeCannotBeSwitchedOnByAnotherUser() throws SQLException {
        exec(db, "CREATE USER CLERK PASSWORD 'secret'");
        // H2 runs triggers with the rights of the writing user: it needs the tombstones and the site row too
        exec(db, "GRANT SELECT, INSERT, UPDATE, DELETE ON ITEMS, DV_TOMB_ITEMS TO CLERK");
        exec(db, "GRANT SELECT ON DOVETAIL.SITE TO CLERK");
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen'), (2, 'ink')");
        Connection clerk = java.sql.DriverManager.getConnection(url.substring(0, url.indexOf(';')), "CLERK", "secret");
        opened.add(clerk);

        assertThatThrownBy(() -> exec(clerk, "CALL DOVETAIL.SET_APPLYING(TRUE)"))
                .hasMessageContaining("applying mode is reserved to the user that installed Dovetail");
        exec(clerk, "UPDATE ITEMS SET NAME = 'quill', DV_VERSION = 40 WHERE ID = 1");
        exec(clerk, "DELETE FROM ITEMS WHERE ID = 2");

        assertThat(item(1).get("DV_VERSION")).isEqualTo(2L);
        assertThat(tomb(2).get("DV_VERSION")).isEqualTo(2L);
    }

    @Test
    void shiftingKeysInOneStatementLeavesNoKeyBothAliveAndDead() throws SQLException {
        exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen'), (2, 'ink'), (3, 'pad')");
        String first = (String) item(1).get("DV_ORIGIN");

        exec(db, "UPDATE ITEMS SET ID = ID + 1");

        assertThat(rows(db, "SELECT ID FROM ITEMS ORDER BY ID")).extracting(r -> r.get("ID")).containsExactly(2, 3, 4);
        assertThat(rows(db, "SELECT ID, DV_VERSION, DV_ORIGIN FROM DV_TOMB_ITEMS"))
                .containsExactly(Map.of("ID", 1, "DV_VERSION", 2L, "DV_ORIGIN", first));

        exec(db, "UPDATE ITEMS SET ID = ID - 1");

        assertThat(rows(db, "SELECT ID FROM ITEMS ORDER BY ID")).extracting(r -> r.get("ID")).containsExactly(1, 2, 3);
        assertThat(rows(db, "SELECT ID FROM DV_TOMB_ITEMS")).extracting(r -> r.get("ID")).containsExactly(4);
        assertThat(item(1).get("DV_ORIGIN")).as("key 1 continues its tombstone").isEqualTo(first);
    }

    @Test
    void sameValuesOfEveryCarriedTypeDoNotCountButChangedOnesDo() throws SQLException {
        exec(db, "CREATE TABLE KINDS (ID INTEGER PRIMARY KEY, S VARCHAR(50), N NUMERIC(12, 3), F DOUBLE PRECISION,"
                + " B BOOLEAN, BIN VARBINARY(10), C CLOB, BL BLOB, TS TIMESTAMP, TZ TIMESTAMP WITH TIME ZONE,"
                + " U UUID, J JSON, DT DATE, TM TIME)");
        install(new TableShape("PUBLIC", "KINDS", List.of(
                new Column("ID", Types.INTEGER, "INTEGER", 32, 0, false),
                new Column("S", Types.VARCHAR, "CHARACTER VARYING", 50, 0, true)), List.of("ID")));
        exec(db, "INSERT INTO KINDS (ID, S, N, F, B, BIN, C, BL, TS, TZ, U, J, DT, TM) VALUES (1, 'snow \u2603', 1.5,"
                + " 0.1, TRUE, X'00FF', REPEAT('long text ', 5000), NULL,"
                + " TIMESTAMP '2024-01-01 10:00:00.123456', TIMESTAMP WITH TIME ZONE '2024-01-01 10:00:00+00',"
                + " '6f1c2b9e-8f3a-4d5e-9b1c-2a3b4c5d6e7f', JSON '{\"a\":[1,2]}', DATE '2024-02-29', TIME '23:59:59')");
        byte[] blob = new byte[20000];
        Arrays.fill(blob, (byte) 0xAB);
        setBlob(blob);
        assertThat(single(db, "SELECT DV_VERSION FROM KINDS")).isEqualTo(2L);
        long seq = seqOf(db, "SELECT DV_SEQ FROM KINDS");

        exec(db, "UPDATE KINDS SET S = 'snow \u2603', N = 1.500, F = 0.1, B = TRUE, BIN = X'00FF',"
                + " C = REPEAT('long text ', 5000),"
                + " TS = TIMESTAMP '2024-01-01 10:00:00.123456',"
                + " TZ = TIMESTAMP WITH TIME ZONE '2024-01-01 10:00:00+00',"
                + " U = '6f1c2b9e-8f3a-4d5e-9b1c-2a3b4c5d6e7f', J = JSON '{\"a\":[1,2]}', DT = DATE '2024-02-29',"
                + " TM = TIME '23:59:59'");
        exec(db, "UPDATE KINDS SET S = S, N = N, F = F, B = B, BIN = BIN, C = C, BL = BL, TS = TS, TZ = TZ, U = U,"
                + " J = J, DT = DT, TM = TM");
        setBlob(blob.clone());
        assertThat(seqOf(db, "SELECT DV_SEQ FROM KINDS")).isEqualTo(seq);

        blob[19999] = (byte) 0xAC;
        setBlob(blob);
        assertThat(single(db, "SELECT DV_VERSION FROM KINDS")).isEqualTo(3L);
        long version = 3;
        for (String change : List.of("C = REPEAT('long text ', 4999) || 'long text!'",
                "BIN = X'00FE'",
                "TZ = TIMESTAMP WITH TIME ZONE '2024-01-01 12:00:00+02'", "J = JSON '{\"a\":[2,1]}'", "N = 1.501",
                "S = 'snow'", "S = NULL", "F = 0.2", "TM = TIME '23:59:58'")) {
            exec(db, "UPDATE KINDS SET " + change);
            assertThat(single(db, "SELECT DV_VERSION FROM KINDS")).as(change).isEqualTo(++version);
        }
    }

    @Test
    void aSiteWithoutItsSiteRowRefusesChangesWithAClearMessage() throws SQLException {
        exec(db, "DELETE FROM DOVETAIL.SITE");

        assertThatThrownBy(() -> exec(db, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen')"))
                .isInstanceOf(SQLException.class).hasMessageContaining("DOVETAIL.SITE has no site name");
        assertThat(item(1)).isNull();
    }

    private void setBlob(byte[] value) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("UPDATE KINDS SET BL = ?")) {
            ps.setBytes(1, value);
            ps.executeUpdate();
        }
    }
}
