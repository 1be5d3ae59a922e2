package org.dovetail.core.dialect.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.dovetail.core.DovetailException;
import org.dovetail.core.dialect.Dialects;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.junit.jupiter.api.Test;

class MariaDbDialectTest {
    private static final MariaDbDialect DIALECT = MariaDbDialect.forUrl("jdbc:mariadb://db:3306/shop?connectTimeout=5");
    private static final TableShape ITEMS = new TableShape("shop", "items", List.of(
            new Column("id", Types.INTEGER, "INT", 10, 0, false),
            new Column("name", Types.VARCHAR, "VARCHAR", 40, 0, true),
            new Column("qty", Types.DECIMAL, "DECIMAL", 10, 2, true)), List.of("id"));

    @Test
    void urlsChooseTheDialectAndNameTheMetadataDatabase() {
        assertThat(Dialects.forUrl("jdbc:mariadb://db/shop")).isInstanceOf(MariaDbDialect.class);
        assertThat(Dialects.forUrl("jdbc:mysql://db:3306/shop")).isInstanceOf(MariaDbDialect.class);
        assertThat(DIALECT.database()).isEqualTo("shop");
        assertThat(DIALECT.metaSchema()).isEqualTo("shop_dovetail");
        assertThat(MariaDbDialect.forUrl("jdbc:mariadb://db/" + "x".repeat(64)).metaSchema()).hasSize(64).endsWith("_dovetail");
        assertThatThrownBy(() -> MariaDbDialect.forUrl("jdbc:mariadb://db:3306/"))
                .isInstanceOf(DovetailException.class)
                .hasMessage("MariaDB URL 'jdbc:mariadb://db:3306/' names no database: a site is one database"
                        + " (jdbc:mariadb://HOST[:PORT]/DATABASE)");
        assertThat(DIALECT.driverUrl("jdbc:mysql://db/shop")).isEqualTo("jdbc:mysql://db/shop?permitMysqlScheme");
        assertThat(DIALECT.driverUrl("jdbc:mysql://db/shop?a=1")).isEqualTo("jdbc:mysql://db/shop?a=1&permitMysqlScheme");
        assertThat(DIALECT.driverUrl("jdbc:mariadb://db/shop")).isEqualTo("jdbc:mariadb://db/shop");
    }

    @Test
    void installRendersEveryParameterAndNamesItsObjects() {
        List<String> sql = DIALECT.installSql(ITEMS, "o'ffice");
        assertThat(sql).hasSize(7).noneMatch(s -> s.contains("${")).noneMatch(s -> s.contains("[rows]"));
        assertThat(sql.get(0)).startsWith("CREATE TABLE IF NOT EXISTS `shop`.`dv_tomb_items`")
                .endsWith("SELECT `id` FROM `shop`.`items` LIMIT 0");
        assertThat(sql.get(1)).contains("FOREIGN KEY (`id`) REFERENCES `shop`.`items` (`id`)");
        assertThat(sql.get(2)).startsWith("ALTER TABLE `shop`.`items`").contains("ADD INDEX IF NOT EXISTS `items_dv_seq_idx` (dv_seq)");
        assertThat(sql.get(3)).startsWith("CREATE OR REPLACE TRIGGER `shop`.`dv_ins_items` BEFORE INSERT")
                .contains("WHERE `id` = NEW.`id`").contains("'o''ffice'").contains("`shop_dovetail`.`next_seq`()")
                .endsWith("END");
        assertThat(sql.get(4)).contains("BINARY NEW.`name` <=> BINARY OLD.`name`").contains("NEW.`qty` <=> OLD.`qty`")
                .contains("NOT (NEW.`id` <=> OLD.`id`)");
        assertThat(sql.get(5)).startsWith("CREATE OR REPLACE TRIGGER `shop`.`dv_del_items` AFTER DELETE");
        assertThat(sql.subList(0, 6)).noneMatch(s -> s.contains("dv_cols"));
        assertThat(sql.get(6)).isEqualTo("ALTER TABLE `shop`.`items` DROP COLUMN IF EXISTS dv_cols");
        assertThat(DIALECT.uninstallSql(ITEMS)).first().isEqualTo("DROP TRIGGER IF EXISTS `shop`.`dv_ins_items`");
        assertThat(DIALECT.installSiteSql()).hasSize(4).last().asString().startsWith("CREATE FUNCTION `shop_dovetail`.`next_seq`()");
    }

    /** merge: columns: dv_cols before the triggers, which keep it; a stale one dropped first. */
    @Test
    void trackedInstallAddsDvColsAndTheTriggerLinesKeepingIt() {
        List<String> untracked = DIALECT.installSql(ITEMS, "office", false);
        List<String> sql = DIALECT.installSql(ITEMS, "office", true);
        assertThat(sql).hasSize(7).noneMatch(s -> s.contains("${")).noneMatch(s -> s.contains("[columns]"));
        assertThat(sql.get(2)).startsWith("BEGIN NOT ATOMIC").contains("TRIGGER_NAME IN ('dv_ins_items', 'dv_upd_items')")
                .contains("ALTER TABLE `shop`.`items` DROP COLUMN IF EXISTS dv_cols;").endsWith("END");
        assertThat(sql.get(3)).contains("ADD COLUMN IF NOT EXISTS dv_cols longtext CHARACTER SET utf8mb4 COLLATE"
                + " utf8mb4_bin INVISIBLE");
        assertThat(sql.get(4)).contains("SET NEW.dv_cols = NULL;");
        assertThat(sql.get(5)).contains("NEW.dv_from = OLD.dv_from, NEW.dv_cols = OLD.dv_cols;")
                .contains("'name', IF(BINARY NEW.`name` <=> BINARY OLD.`name`, COALESCE(JSON_VALUE(OLD.dv_cols,"
                        + " '$.\"name\"'), old_entry), new_entry)")
                .contains("'qty', IF(NEW.`qty` <=> OLD.`qty`, COALESCE(JSON_VALUE(OLD.dv_cols, '$.\"qty\"'),"
                        + " old_entry), new_entry)");
        assertThat(sql.get(6)).isEqualTo(untracked.get(5));
        TableShape odd = new TableShape("shop", "odd", List.of(new Column("i'd \"x\\", Types.INTEGER, "INT", 10, 0, false),
                new Column("g", Types.INTEGER, "INT", 10, 0, true, true)), List.of("i'd \"x\\"));
        assertThat(DIALECT.installSql(odd, "office", true).get(5))
                .contains("JSON_OBJECT(\n                'i''d \"x\\\\', IF(NEW.`i'd \"x\\` <=> OLD.`i'd \"x\\`,"
                        + " COALESCE(JSON_VALUE(OLD.dv_cols, '$.\"i''d \\\\\"x\\\\\\\\\"'), old_entry), new_entry))")
                .doesNotContain("'g'");
    }

    @Test
    void longNamesFitSixtyFourCharacters() {
        String name = "t".repeat(64);
        assertThat(DIALECT.tombstoneName(name)).hasSize(64).startsWith("dv_tomb_ttt");
        assertThat(MariaDbNames.trigger(name, "ins")).hasSize(64).isNotEqualTo(MariaDbNames.trigger(name, "upd"));
    }

    @Test
    void typesOutsideTheMappingAreRefusedByName() {
        assertThat(DIALECT.unsupportedReason(new Column("y", Types.DATE, "YEAR", 4, 0, true))).hasValue("unsupported type 'year'");
        assertThat(DIALECT.unsupportedReason(new Column("n", Types.BIGINT, "BIGINT UNSIGNED", 20, 0, true)))
                .hasValue("unsupported type 'bigint unsigned' (values above 2^63-1 do not fit other sites)");
        assertThat(DIALECT.unsupportedReason(new Column("t", Types.VARCHAR, "VARCHAR", 10, 0, true))).isEmpty();
    }

    @Test
    void refusalsAreOneLineWithoutStatementText() {
        SQLException fk = new SQLException("(conn=12) Cannot add or update a child row: a foreign key constraint fails"
                + " (`shop`.`orders`, CONSTRAINT `orders_item_fk` FOREIGN KEY (`item_id`) REFERENCES `items` (`id`))",
                "23000", 1452);
        assertThat(DIALECT.failures().refusal(fk)).hasValue("Cannot add or update a child row: foreign key constraint"
                + " `orders_item_fk` of `shop`.`orders` fails [23000]");
        SQLException dup = new SQLException("(conn=3) Duplicate entry 'A' for key 'codes_code_key'", "23000", 1062);
        assertThat(DIALECT.failures().refusal(dup)).hasValue("Duplicate entry 'A' for key 'codes_code_key' [23000]");
        assertThat(DIALECT.failures().raced(dup)).isTrue();
        SQLException deadlock = new SQLException("(conn=3) Deadlock found when trying to get lock", "40001", 1213);
        assertThat(DIALECT.failures().refusal(deadlock)).isEmpty();
        assertThat(DIALECT.failures().raced(deadlock)).isTrue();
        SQLException syntax = new SQLException("(conn=3) You have an error in your SQL syntax; check the manual that"
                + " corresponds to your MariaDB server version for the right syntax to use near 'FROM x' at line 1",
                "42000", 1064);
        assertThat(DIALECT.failures().describe(syntax)).doesNotContain("FROM x").doesNotContain("conn=").endsWith("[42000]");
    }

    @Test
    void binaryLoggingThatRefusesTheTriggersSaysWhatToSet() {
        java.sql.SQLException e = new java.sql.SQLException("(conn=7) This function has none of DETERMINISTIC, NO SQL,"
                + " or READS SQL DATA in its declaration and binary logging is enabled", "HY000", 1418);
        assertThat(DIALECT.failures().describe(e)).startsWith("the server logs binary (log_bin)")
                .contains("log_bin_trust_function_creators = 1").doesNotContain("conn=");
    }
}
