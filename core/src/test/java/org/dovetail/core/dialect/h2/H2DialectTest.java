package org.dovetail.core.dialect.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Types;
import java.util.List;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.junit.jupiter.api.Test;

/** The SQL H2Dialect generates, pinned exactly (it is also what {@code install --print-sql} shows). */
class H2DialectTest {
    private final H2Dialect dialect = new H2Dialect();

    private static final TableShape LINES = new TableShape("SHOP", "ORDER_LINES", List.of(
            new Column("ORDER_NO", Types.VARCHAR, "CHARACTER VARYING", 20, 0, false),
            new Column("LINE_NO", Types.INTEGER, "INTEGER", 32, 0, false),
            new Column("QTY", Types.NUMERIC, "NUMERIC", 10, 2, true)), List.of("ORDER_NO", "LINE_NO"));

    @Test
    void installSql() {
        String add = "ALTER TABLE \"SHOP\".\"ORDER_LINES\" ADD COLUMN IF NOT EXISTS ";
        assertThat(oneLine(dialect.installSql(LINES, "laptop"))).containsExactly(
                "ALTER TABLE \"SHOP\".\"ORDER_LINES\" DROP COLUMN IF EXISTS \"DV_COLS\"",
                add + "\"DV_VERSION\" BIGINT INVISIBLE",
                add + "\"DV_ORIGIN\" VARCHAR(36) INVISIBLE",
                add + "\"DV_SITE\" VARCHAR(64) INVISIBLE",
                add + "\"DV_CHANGED_AT\" TIMESTAMP WITH TIME ZONE INVISIBLE",
                add + "\"DV_SEQ\" BIGINT INVISIBLE",
                add + "\"DV_FROM\" VARCHAR(64) INVISIBLE",
                "CREATE INDEX IF NOT EXISTS \"SHOP\".\"ORDER_LINES_DV_SEQ_IDX\" ON \"SHOP\".\"ORDER_LINES\""
                        + " (\"DV_SEQ\")",
                "CREATE TABLE IF NOT EXISTS \"SHOP\".\"DV_TOMB_ORDER_LINES\" ("
                        + "\"ORDER_NO\" CHARACTER VARYING(20) NOT NULL, \"LINE_NO\" INTEGER NOT NULL, "
                        + "\"DV_VERSION\" BIGINT, \"DV_ORIGIN\" VARCHAR(36), \"DV_SITE\" VARCHAR(64), "
                        + "\"DV_CHANGED_AT\" TIMESTAMP WITH TIME ZONE, \"DV_SEQ\" BIGINT, \"DV_FROM\" VARCHAR(64), "
                        + "CONSTRAINT \"DV_TOMB_ORDER_LINES_PK\" PRIMARY KEY (\"ORDER_NO\", \"LINE_NO\"))",
                "CREATE INDEX IF NOT EXISTS \"SHOP\".\"DV_TOMB_ORDER_LINES_DV_SEQ_IDX\""
                        + " ON \"SHOP\".\"DV_TOMB_ORDER_LINES\" (\"DV_SEQ\")",
                "ALTER TABLE \"SHOP\".\"ORDER_LINES\" ADD CONSTRAINT IF NOT EXISTS \"SHOP\".\"ORDER_LINES_DV_NO_TRUNCATE\""
                        + " FOREIGN KEY (\"ORDER_NO\", \"LINE_NO\") REFERENCES \"SHOP\".\"ORDER_LINES\" (\"ORDER_NO\", \"LINE_NO\")",
                "DROP TRIGGER IF EXISTS \"SHOP\".\"DV_TRG_ORDER_LINES\"",
                "DROP TRIGGER IF EXISTS \"SHOP\".\"DV_TRG_ORDER_LINES_KEYS\"",
                "CREATE TRIGGER \"SHOP\".\"DV_TRG_ORDER_LINES\" BEFORE INSERT, UPDATE, DELETE"
                        + " ON \"SHOP\".\"ORDER_LINES\" FOR EACH ROW CALL 'org.dovetail.sql.h2.ChangeTrigger'",
                "CREATE TRIGGER \"SHOP\".\"DV_TRG_ORDER_LINES_KEYS\" AFTER UPDATE ON \"SHOP\".\"ORDER_LINES\""
                        + " FOR EACH STATEMENT CALL 'org.dovetail.sql.h2.KeyMoveTrigger'");
    }

    @Test
    void aTableUnderMergeColumnsGetsDvCols() {
        assertThat(oneLine(dialect.installSql(LINES, "laptop", true))).first().isEqualTo(
                "ALTER TABLE \"SHOP\".\"ORDER_LINES\" ADD COLUMN IF NOT EXISTS \"DV_COLS\" CHARACTER VARYING INVISIBLE");
    }

    @Test
    void uninstallSql() {
        assertThat(oneLine(dialect.uninstallSql(LINES))).containsExactly(
                "DROP TRIGGER IF EXISTS \"SHOP\".\"DV_TRG_ORDER_LINES\"",
                "DROP TRIGGER IF EXISTS \"SHOP\".\"DV_TRG_ORDER_LINES_KEYS\"",
                "ALTER TABLE IF EXISTS \"SHOP\".\"ORDER_LINES\" DROP CONSTRAINT IF EXISTS"
                        + " \"SHOP\".\"ORDER_LINES_DV_NO_TRUNCATE\"",
                "DROP INDEX IF EXISTS \"SHOP\".\"ORDER_LINES_DV_SEQ_IDX\"",
                "ALTER TABLE IF EXISTS \"SHOP\".\"ORDER_LINES\" DROP COLUMN IF EXISTS "
                        + "\"DV_VERSION\", \"DV_ORIGIN\", \"DV_SITE\", \"DV_CHANGED_AT\", \"DV_SEQ\", \"DV_FROM\", \"DV_COLS\"",
                "DROP TABLE IF EXISTS \"SHOP\".\"DV_TOMB_ORDER_LINES\"");
    }

    @Test
    void quotedNamesKeepTheirCaseAndEscapeQuotes() {
        TableShape odd = new TableShape("app", "my \"odd\" table", List.of(
                new Column("id", Types.BIGINT, "BIGINT", 64, 0, false)), List.of("id"));

        assertThat(oneLine(dialect.installSql(odd, "laptop"))).contains(
                "CREATE TABLE IF NOT EXISTS \"app\".\"DV_TOMB_my \"\"odd\"\" table\" (\"id\" BIGINT NOT NULL, "
                        + "\"DV_VERSION\" BIGINT, \"DV_ORIGIN\" VARCHAR(36), \"DV_SITE\" VARCHAR(64), "
                        + "\"DV_CHANGED_AT\" TIMESTAMP WITH TIME ZONE, \"DV_SEQ\" BIGINT, \"DV_FROM\" VARCHAR(64), "
                        + "CONSTRAINT \"DV_TOMB_my \"\"odd\"\" table_PK\" PRIMARY KEY (\"id\"))");
    }

    @Test
    void tombstoneKeysKeepTheExactType() {
        assertThat(H2Types.ddl(column("CHARACTER", 4, 0))).isEqualTo("CHARACTER(4)");
        assertThat(H2Types.ddl(column("VARCHAR_IGNORECASE", 10, 0))).isEqualTo("VARCHAR_IGNORECASE(10)");
        assertThat(H2Types.ddl(column("BINARY VARYING", 16, 0))).isEqualTo("BINARY VARYING(16)");
        assertThat(H2Types.ddl(column("NUMERIC", 100000, 0))).isEqualTo("NUMERIC(100000, 0)");
        assertThat(H2Types.ddl(column("DECIMAL", 12, 4))).isEqualTo("DECIMAL(12, 4)");
        assertThat(H2Types.ddl(column("TIME", 8, 0))).isEqualTo("TIME(0)");
        assertThat(H2Types.ddl(column("TIMESTAMP", 26, 6))).isEqualTo("TIMESTAMP(6)");
        assertThat(H2Types.ddl(column("TIMESTAMP WITH TIME ZONE", 25, 0))).isEqualTo("TIMESTAMP(0) WITH TIME ZONE");
        assertThat(H2Types.ddl(column("UUID", 16, 0))).isEqualTo("UUID");
        assertThat(H2Types.ddl(column("DATE", 10, 0))).isEqualTo("DATE");
        assertThat(H2Types.ddl(column("BIGINT", 64, 0))).isEqualTo("BIGINT");
    }

    @Test
    void carriedTypesAsH2ReportsThem() {
        for (String type : List.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "NUMERIC", "DECIMAL", "REAL",
                "DOUBLE PRECISION", "BOOLEAN", "CHARACTER", "CHARACTER VARYING", "VARCHAR_IGNORECASE",
                "CHARACTER LARGE OBJECT", "BINARY", "BINARY VARYING", "BINARY LARGE OBJECT", "DATE", "TIME",
                "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "UUID", "JSON")) {
            assertThat(dialect.unsupportedReason(column(type, 10, 0))).as(type).isEmpty();
        }
    }

    @Test
    void typesThatAreNotCarriedAreNamed() {
        assertThat(dialect.unsupportedReason(column("GEOMETRY", 0, 0))).contains("unsupported type 'GEOMETRY'");
        assertThat(dialect.unsupportedReason(column("INTEGER ARRAY", 0, 0)))
                .contains("unsupported type 'INTEGER ARRAY'");
        assertThat(dialect.unsupportedReason(column("ROW(\"X\" INTEGER)", 0, 0)))
                .contains("unsupported type 'ROW(\"X\" INTEGER)'");
        assertThat(dialect.unsupportedReason(column("ENUM('a', 'b')", 0, 0)))
                .contains("unsupported type 'ENUM('a', 'b')'");
        for (String type : List.of("INTERVAL DAY", "JAVA_OBJECT", "DECFLOAT", "TIME WITH TIME ZONE")) {
            assertThat(dialect.unsupportedReason(column(type, 0, 0))).as(type)
                    .contains("unsupported type '" + type + "'");
        }
    }

    private static Column column(String typeName, int size, int scale) {
        return new Column("C", Types.OTHER, typeName, size, scale, true);
    }

    /** The templates' statements as one line each (their line breaks and indentation are layout only). */
    private static List<String> oneLine(List<String> statements) {
        return statements.stream().map(s -> s.strip().replaceAll("\\s+", " ").replace("( ", "(").replace(" )", ")"))
                .toList();
    }
}
