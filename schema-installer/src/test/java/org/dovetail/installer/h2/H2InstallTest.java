package org.dovetail.installer.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.h2.api.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing bookkeeping on H2 is idempotent, uninstalling restores the table exactly, and it survives restarts. */
class H2InstallTest extends H2SiteTest {
    static final TableShape ITEMS = H2TriggerTest.ITEMS;

    /** An application's own trigger, which must survive install and uninstall. */
    public static final class AuditTrigger implements Trigger {
        static final AtomicInteger FIRED = new AtomicInteger();

        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) {
            FIRED.incrementAndGet();
        }
    }

    void createShop() throws SQLException {
        exec(db, "CREATE TABLE CATEGORIES (CODE VARCHAR(10) PRIMARY KEY)");
        exec(db, "INSERT INTO CATEGORIES VALUES ('pens'), ('ink')");
        exec(db, "CREATE TABLE ITEMS (ID INTEGER PRIMARY KEY, NAME VARCHAR(100) NOT NULL DEFAULT 'unnamed',"
                + " PRICE NUMERIC(10, 2) CHECK (PRICE >= 0), CATEGORY VARCHAR(10) REFERENCES CATEGORIES (CODE),"
                + " CONSTRAINT ITEMS_NAME_UQ UNIQUE (NAME))");
        exec(db, "CREATE INDEX ITEMS_PRICE_IDX ON ITEMS (PRICE)");
        exec(db, "CREATE TRIGGER ITEMS_AUDIT AFTER UPDATE ON ITEMS FOR EACH ROW CALL '"
                + AuditTrigger.class.getName() + "'");
        exec(db, "INSERT INTO ITEMS (ID, NAME, PRICE, CATEGORY) VALUES (1, 'pen', 1.50, 'pens'),"
                + " (2, 'ink', 4.00, 'ink'), (3, 'pad', NULL, NULL)");
    }

    /**
     * Everything INFORMATION_SCHEMA says about the application's tables, and their data. The
     * names H2 generates for the indexes behind constraints are left out: H2 renames them
     * whenever ALTER TABLE adds or drops a column (it copies the table), with or without us.
     */
    Map<String, Object> describeShop() throws SQLException {
        String tables = " WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY ";
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("tables", rows(db, "SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES" + tables + "1"));
        d.put("columns", rows(db, "SELECT * FROM INFORMATION_SCHEMA.COLUMNS" + tables
                + "TABLE_NAME, ORDINAL_POSITION"));
        d.put("constraints", rows(db, "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE, TABLE_NAME, IS_DEFERRABLE,"
                + " INITIALLY_DEFERRED, ENFORCED, NULLS_DISTINCT, REMARKS FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                + tables + "CONSTRAINT_NAME"));
        d.put("keys", rows(db, "SELECT * FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE" + tables
                + "CONSTRAINT_NAME, ORDINAL_POSITION"));
        d.put("checks", rows(db, "SELECT * FROM INFORMATION_SCHEMA.CHECK_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = 'PUBLIC' ORDER BY CONSTRAINT_NAME"));
        d.put("references", rows(db, "SELECT * FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = 'PUBLIC' ORDER BY CONSTRAINT_NAME"));
        d.put("indexes", rows(db, "SELECT CASE WHEN I.IS_GENERATED THEN NULL ELSE I.INDEX_NAME END AS NAME,"
                + " I.TABLE_NAME, I.INDEX_TYPE_NAME, I.IS_GENERATED, I.INDEX_CLASS, C.COLUMN_NAME, C.ORDINAL_POSITION,"
                + " C.ORDERING_SPECIFICATION, C.NULL_ORDERING, C.IS_UNIQUE FROM INFORMATION_SCHEMA.INDEXES I"
                + " JOIN INFORMATION_SCHEMA.INDEX_COLUMNS C ON C.INDEX_SCHEMA = I.INDEX_SCHEMA"
                + " AND C.INDEX_NAME = I.INDEX_NAME WHERE I.TABLE_SCHEMA = 'PUBLIC'"
                + " ORDER BY I.TABLE_NAME, I.INDEX_TYPE_NAME, C.COLUMN_NAME, C.ORDINAL_POSITION"));
        d.put("triggers", rows(db, "SELECT * FROM INFORMATION_SCHEMA.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = 'PUBLIC'"
                + " ORDER BY TRIGGER_NAME"));
        d.put("items", rows(db, "SELECT * FROM ITEMS ORDER BY ID"));
        d.put("categories", rows(db, "SELECT * FROM CATEGORIES ORDER BY CODE"));
        return d;
    }

    @Test
    void installingTwiceIsHarmless() throws SQLException {
        createShop();
        install(ITEMS);
        exec(db, "UPDATE ITEMS SET PRICE = 2.00 WHERE ID = 1");
        exec(db, "DELETE FROM ITEMS WHERE ID = 3");
        Map<String, Object> once = describeShop();
        List<Map<String, Object>> tombs = rows(db, "SELECT * FROM DV_TOMB_ITEMS");

        install(ITEMS);

        assertThat(describeShop()).isEqualTo(once);
        assertThat(rows(db, "SELECT * FROM DV_TOMB_ITEMS")).isEqualTo(tombs);
        exec(db, "UPDATE ITEMS SET PRICE = 2.50 WHERE ID = 1");
        assertThat(single(db, "SELECT DV_VERSION FROM ITEMS WHERE ID = 1")).as("version 1 came with the first update")
                .isEqualTo(2L);
    }

    @Test
    void installAddsTheBookkeepingOfTheContract() throws SQLException {
        createShop();
        install(ITEMS);

        assertThat(rows(db, "SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE, IS_VISIBLE"
                + " FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'ITEMS' AND COLUMN_NAME LIKE 'DV\\_%'"
                + " ORDER BY ORDINAL_POSITION")).extracting(r -> (List<Object>) new ArrayList<Object>(r.values()))
                .containsExactly(
                Arrays.<Object>asList("DV_VERSION", "BIGINT", null, "YES", false),
                Arrays.<Object>asList("DV_ORIGIN", "CHARACTER VARYING", 36L, "YES", false),
                Arrays.<Object>asList("DV_SITE", "CHARACTER VARYING", 64L, "YES", false),
                Arrays.<Object>asList("DV_CHANGED_AT", "TIMESTAMP WITH TIME ZONE", null, "YES", false),
                Arrays.<Object>asList("DV_SEQ", "BIGINT", null, "YES", false),
                Arrays.<Object>asList("DV_FROM", "CHARACTER VARYING", 64L, "YES", false));
        assertThat(rows(db, "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_NAME = 'DV_TOMB_ITEMS' ORDER BY ORDINAL_POSITION"))
                .extracting(r -> r.get("COLUMN_NAME"))
                .containsExactly("ID", "DV_VERSION", "DV_ORIGIN", "DV_SITE", "DV_CHANGED_AT", "DV_SEQ", "DV_FROM");
        assertThat(rows(db, "SELECT INDEX_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                + " WHERE COLUMN_NAME = 'DV_SEQ' ORDER BY INDEX_NAME")).containsExactly(
                Map.of("INDEX_NAME", "DV_TOMB_ITEMS_DV_SEQ_IDX", "COLUMN_NAME", "DV_SEQ"),
                Map.of("INDEX_NAME", "ITEMS_DV_SEQ_IDX", "COLUMN_NAME", "DV_SEQ"));
        assertThat(rows(db, "SELECT TRIGGER_NAME, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORIENTATION"
                + " FROM INFORMATION_SCHEMA.TRIGGERS WHERE TRIGGER_NAME LIKE 'DV%' ORDER BY 2"))
                .extracting(r -> r.get("ACTION_TIMING") + " " + r.get("EVENT_MANIPULATION") + " "
                        + r.get("ACTION_ORIENTATION"))
                .containsExactlyInAnyOrder("BEFORE DELETE ROW", "BEFORE INSERT ROW", "BEFORE UPDATE ROW",
                        "AFTER UPDATE STATEMENT");
    }

    @Test
    void uninstallLeavesTheTablesExactlyAsBefore() throws SQLException {
        createShop();
        Map<String, Object> before = describeShop();
        install(ITEMS);
        exec(db, "UPDATE ITEMS SET PRICE = 2.00 WHERE ID = 1");
        exec(db, "UPDATE ITEMS SET PRICE = 1.50 WHERE ID = 1");
        exec(db, "DELETE FROM ITEMS WHERE ID = 3");
        exec(db, "INSERT INTO ITEMS (ID, NAME, PRICE) VALUES (3, 'pad', NULL)");

        uninstall(ITEMS);

        assertThat(describeShop()).isEqualTo(before);
        assertThat(rows(db, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'DV\\_TOMB%'"))
                .isEmpty();
        int fired = AuditTrigger.FIRED.get();
        exec(db, "UPDATE ITEMS SET NAME = 'pen!' WHERE ID = 1");
        assertThat(AuditTrigger.FIRED.get()).as("the application's own trigger still fires").isEqualTo(fired + 1);

        uninstall(ITEMS);
        exec(db, "UPDATE ITEMS SET NAME = 'pen' WHERE ID = 1");
        assertThat(describeShop()).isEqualTo(before);
    }

    @Test
    void uninstallOfATableTheApplicationDroppedIsHarmless() throws SQLException {
        createShop();
        install(ITEMS);
        exec(db, "DROP TABLE ITEMS");

        uninstall(ITEMS);

        assertThat(rows(db, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"))
                .containsExactly(Map.of("TABLE_NAME", "CATEGORIES"));
    }

    @Test
    void theTriggerWorksAfterAFileDatabaseIsClosedAndReopened(@TempDir Path dir) throws SQLException {
        String fileUrl = "jdbc:h2:file:" + dir.resolve("site").toAbsolutePath();
        migrate(fileUrl);
        long before;
        try (Connection c = DriverManager.getConnection(fileUrl, "sa", "")) {
            writeSite(c, "field");
            exec(c, "CREATE TABLE ITEMS (ID INTEGER PRIMARY KEY, NAME VARCHAR(100), PRICE NUMERIC(10, 2))");
            for (String sql : dialect.installSql(ITEMS, "field")) {
                exec(c, sql);
            }
            exec(c, "INSERT INTO ITEMS (ID, NAME) VALUES (1, 'pen'), (2, 'ink')");
            before = seqOf(c, "SELECT MAX(DV_SEQ) FROM ITEMS");
        }

        try (Connection c = DriverManager.getConnection(fileUrl, "sa", "")) {
            exec(c, "UPDATE ITEMS SET NAME = 'quill' WHERE ID = 1");
            exec(c, "DELETE FROM ITEMS WHERE ID = 2");
            exec(c, "INSERT INTO ITEMS (ID, NAME) VALUES (2, 'ink again')");

            assertThat(row(c, "SELECT DV_VERSION, DV_SITE FROM ITEMS WHERE ID = 1"))
                    .isEqualTo(Map.of("DV_VERSION", 2L, "DV_SITE", "field"));
            assertThat(single(c, "SELECT DV_VERSION FROM ITEMS WHERE ID = 2")).isEqualTo(3L);
            assertThat(seqOf(c, "SELECT MIN(DV_SEQ) FROM ITEMS")).isGreaterThan(before);
            assertThat(seqOf(c, "SELECT DOVETAIL.SAFE_SEQ()")).isGreaterThan(before);
            exec(c, "SHUTDOWN");
        }
    }

    @Test
    void theTombstoneKeyHasTheTablesKeyTypes() throws SQLException {
        exec(db, "CREATE TABLE EVENTS (ON_DAY DATE, AT_TIME TIMESTAMP(3) WITH TIME ZONE, CODE CHARACTER(4),"
                + " AMOUNT NUMERIC(12, 4), NOTE VARCHAR(10), PRIMARY KEY (ON_DAY, AT_TIME, CODE, AMOUNT))");
        TableShape shape = new TableShape("PUBLIC", "EVENTS", List.of(
                new Column("ON_DAY", Types.DATE, "DATE", 10, 0, false),
                new Column("AT_TIME", Types.TIMESTAMP_WITH_TIMEZONE, "TIMESTAMP WITH TIME ZONE", 29, 3, false),
                new Column("CODE", Types.CHAR, "CHARACTER", 4, 0, false),
                new Column("AMOUNT", Types.NUMERIC, "NUMERIC", 12, 4, false),
                new Column("NOTE", Types.VARCHAR, "CHARACTER VARYING", 10, 0, true)),
                List.of("ON_DAY", "AT_TIME", "CODE", "AMOUNT"));
        install(shape);
        String columns = "SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE,"
                + " DATETIME_PRECISION, IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = '%s'"
                + " AND COLUMN_NAME IN ('ON_DAY', 'AT_TIME', 'CODE', 'AMOUNT') ORDER BY ORDINAL_POSITION";

        assertThat(rows(db, columns.formatted("DV_TOMB_EVENTS"))).isEqualTo(rows(db, columns.formatted("EVENTS")));

        exec(db, "INSERT INTO EVENTS (ON_DAY, AT_TIME, CODE, AMOUNT) VALUES (DATE '2024-02-29',"
                + " TIMESTAMP WITH TIME ZONE '2024-02-29 23:59:59.123+05:30', 'ab', 1.2345)");
        exec(db, "DELETE FROM EVENTS");
        exec(db, "INSERT INTO EVENTS (ON_DAY, AT_TIME, CODE, AMOUNT)"
                + " SELECT ON_DAY, AT_TIME, CODE, AMOUNT FROM DV_TOMB_EVENTS");
        assertThat(single(db, "SELECT DV_VERSION FROM EVENTS")).isEqualTo(3L);
        assertThat(single(db, "SELECT COUNT(*) FROM DV_TOMB_EVENTS")).isEqualTo(0L);
    }
}
