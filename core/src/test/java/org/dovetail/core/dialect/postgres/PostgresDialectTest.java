package org.dovetail.core.dialect.postgres;

import org.dovetail.core.dialect.IndexBuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.List;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.junit.jupiter.api.Test;

/** The PostgreSQL DDL, pinned: a change to it shows up here and is deliberate. */
class PostgresDialectTest {
    private static final PostgresDialect DIALECT = new PostgresDialect();

    private static final TableShape ORDER_LINES = new TableShape("shop", "order_lines", List.of(
            new Column("order_no", Types.VARCHAR, "varchar", 12, 0, false),
            new Column("line", Types.SMALLINT, "int2", 5, 0, false),
            new Column("data", Types.OTHER, "jsonb", Integer.MAX_VALUE, 0, true),
            new Column("qty", Types.INTEGER, "int4", 10, 0, true),
            new Column("total", Types.NUMERIC, "numeric", 0, 0, true, true)), List.of("order_no", "line"));

    @Test
    void installSql() {
        assertThat(script(DIALECT.installSql(ORDER_LINES, "hq"))).isEqualTo(INSTALL);
    }

    /**
     * A table under merge: columns: dv_cols added, and the row function with the statements
     * that keep it; everything else as without tracking.
     */
    @Test
    void installSqlTrackingColumns() {
        List<String> untracked = DIALECT.installSql(ORDER_LINES, "hq");
        List<String> tracked = DIALECT.installSql(ORDER_LINES, "hq", true);
        assertThat(tracked).hasSameSizeAs(untracked);
        assertThat(tracked.get(0)).isEqualTo(TRACKED_ALTER);
        assertThat(tracked.get(4)).isEqualTo(TRACKED_ROW_FUNCTION);
        for (int i = 0; i < tracked.size(); i++) {
            if (i != 0 && i != 4) {
                assertThat(tracked.get(i)).as("statement %d", i).isEqualTo(untracked.get(i));
            }
        }
    }

    /** One JSON object of any number of columns: the entries are an array, not 2 arguments each. */
    @Test
    void aWideTrackedTableNamesEveryColumnInOneArray() {
        List<Column> columns = new java.util.ArrayList<>(List.of(new Column("id", Types.INTEGER, "int4", 10, 0, false)));
        for (int i = 1; i < 120; i++) {
            columns.add(new Column("c" + i, Types.INTEGER, "int4", 10, 0, true));
        }
        String row = DIALECT.installSql(new TableShape("s", "wide", columns, List.of("id")), "hq", true).get(4);
        assertThat(row).contains("ARRAY['id', 'c1', 'c2', ").contains("'c118', 'c119']::pg_catalog.text[]")
                .contains("ROW(NEW.\"c119\"), ROW(OLD.\"c119\")");
    }

    @Test
    void installIndexesAreBuiltConcurrentlyAndAnInvalidOneIsFound() {
        assertThat(DIALECT.installIndexes(ORDER_LINES)).containsExactly(
                new IndexBuild("\"shop\".\"order_lines_dv_seq_idx\"",
                        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"order_lines_dv_seq_idx\" ON \"shop\".\"order_lines\" (dv_seq)",
                        "DROP INDEX CONCURRENTLY IF EXISTS \"shop\".\"order_lines_dv_seq_idx\"",
                        "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('\"shop\".\"order_lines_dv_seq_idx\"')"),
                new IndexBuild("\"shop\".\"order_lines_dv_txid_idx\"",
                        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"order_lines_dv_txid_idx\" ON \"shop\".\"order_lines\" (dv_txid)",
                        "DROP INDEX CONCURRENTLY IF EXISTS \"shop\".\"order_lines_dv_txid_idx\"",
                        "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('\"shop\".\"order_lines_dv_txid_idx\"')"));
        TableShape odd = new TableShape("it's", "Order Lines", List.of(
                new Column("id", Types.INTEGER, "int4", 10, 0, false)), List.of("id"));
        assertThat(DIALECT.installIndexes(odd).get(0).validQuery())
                .endsWith("to_regclass('\"it''s\".\"Order Lines_dv_seq_idx\"')");
        assertThat(DIALECT.lockTimeoutSql(java.time.Duration.ofMillis(500))).containsExactly("SET LOCAL lock_timeout = '500ms'");
    }

    @Test
    void uninstallSql() {
        assertThat(script(DIALECT.uninstallSql(ORDER_LINES))).isEqualTo(UNINSTALL);
    }

    @Test
    void namesAreQuotedExactlyAndTheSiteIsALiteral() {
        TableShape odd = new TableShape("My \"Schema\"", "Order Lines", List.of(
                new Column("Line No", Types.INTEGER, "int4", 10, 0, false)), List.of("Line No"));
        String install = String.join("\n", DIALECT.installSql(odd, "o'hare"));
        assertThat(install)
                .contains("ALTER TABLE \"My \"\"Schema\"\"\".\"Order Lines\"")
                .contains("CREATE TABLE IF NOT EXISTS \"My \"\"Schema\"\"\".\"dv_tomb_Order Lines\" (")
                .contains("\"Line No\" integer NOT NULL,")
                .contains("NEW.dv_site := 'o''hare';")
                .contains("FUNCTION \"My \"\"Schema\"\"\".\"dv_trg_Order Lines_row\"()");
    }

    @Test
    void aFunctionBodyIsQuotedWithATagNoNameOrSiteContains() {
        List<String> install = DIALECT.installSql(ORDER_LINES, "$dv$");
        assertThat(String.join("\n", install)).contains("AS $dv1$", "NEW.dv_site := '$dv$';")
                .doesNotContain("AS $dv$");
        assertThat(install.stream().filter(s -> s.contains("$dv1$"))).hasSize(3)
                .allSatisfy(s -> assertThat(s).endsWith("$dv1$"));
    }

    @Test
    void derivedNamesStayWithin63BytesAndApart() {
        String common = "a_table_whose_name_uses_every_one_of_the_sixty_three_byte";
        String first = DIALECT.tombstoneName(common + "_first");
        String other = DIALECT.tombstoneName(common + "_other");
        assertThat(DIALECT.tombstoneName("items")).isEqualTo("dv_tomb_items");
        assertThat(first).startsWith("dv_tomb_a_table_whose").hasSize(63).isNotEqualTo(other);
        assertThat(other).hasSize(63);
        String umlauts = DIALECT.tombstoneName("ü".repeat(31));
        assertThat(umlauts.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(umlauts).startsWith("dv_tomb_üüü").matches("dv_tomb_ü+_[0-9a-f]{8}");
        for (String sql : DIALECT.installSql(new TableShape("s", common + "_first", List.of(
                new Column("id", Types.INTEGER, "int4", 10, 0, false)), List.of("id")), "hq")) {
            assertThat(sql.split("[^A-Za-z0-9_ü]+")).allSatisfy(word -> assertThat(word.length()).isLessThanOrEqualTo(63));
        }
    }

    @Test
    void tombstoneKeysAreDeclaredWithTheTablesTypes() {
        List<Column> key = List.of(
                new Column("a", Types.NUMERIC, "numeric", 10, 2, false),
                new Column("b", Types.NUMERIC, "numeric", 0, 0, false),
                new Column("c", Types.VARCHAR, "varchar", 2147483647, 0, false),
                new Column("d", Types.CHAR, "bpchar", 3, 0, false),
                new Column("e", Types.INTEGER, "serial", 10, 0, false),
                new Column("f", Types.TIMESTAMP, "timestamptz", 28, 0, false),
                new Column("g", Types.TIMESTAMP, "timestamp(3) without time zone", 0, 0, false),
                new Column("h", Types.VARCHAR, "character varying(20)", 0, 0, false),
                new Column("i", Types.OTHER, "uuid", 2147483647, 0, false),
                new Column("j", Types.DOUBLE, "float8", 17, 17, false),
                new Column("k", Types.BIGINT, "bigserial", 19, 0, false));
        TableShape shape = new TableShape("s", "t", key, key.stream().map(Column::name).toList());
        assertThat(DIALECT.installSql(shape, "hq").get(1)).contains("""
                    "a" numeric(10,2) NOT NULL,
                    "b" numeric NOT NULL,
                    "c" varchar NOT NULL,
                    "d" char(3) NOT NULL,
                    "e" integer NOT NULL,
                    "f" timestamptz NOT NULL,
                    "g" timestamp NOT NULL,
                    "h" varchar(20) NOT NULL,
                    "i" uuid NOT NULL,
                    "j" double precision NOT NULL,
                    "k" bigint NOT NULL,
                """);
    }

    @Test
    void unsupportedTypesAreNamed() {
        assertThat(DIALECT.unsupportedReason(new Column("r", Types.OTHER, "int4range", 2147483647, 0, true)))
                .contains("unsupported type 'int4range'");
        assertThat(DIALECT.unsupportedReason(new Column("a", Types.ARRAY, "_int4", 10, 0, true)))
                .contains("unsupported type 'int4[]'");
        assertThat(DIALECT.unsupportedReason(new Column("d", Types.DISTINCT, "posint", 10, 0, true)))
                .contains("unsupported type 'posint' (a domain)");
        assertThat(DIALECT.unsupportedReason(new Column("m", Types.VARCHAR, "mood", 2147483647, 0, true)))
                .contains("unsupported type 'mood'");
        assertThat(DIALECT.unsupportedReason(new Column("t", Types.TIME, "timetz", 21, 6, true)))
                .contains("unsupported type 'timetz'");
        assertThat(DIALECT.unsupportedReason(new Column("c", Types.CHAR, "char", 1, 0, true)))
                .contains("unsupported type '\"char\"'");
        for (String name : List.of("int2", "int4", "int8", "serial", "numeric", "float4", "float8", "bool", "bpchar",
                "varchar", "text", "bytea", "date", "time", "timestamp", "timestamptz", "uuid", "json", "jsonb",
                "integer", "character varying(20)", "timestamp with time zone", "double precision")) {
            assertThat(DIALECT.unsupportedReason(new Column("x", Types.OTHER, name, 0, 0, true))).as(name).isEmpty();
        }
        assertThatThrownBy(() -> DIALECT.installSql(new TableShape("s", "t", List.of(
                new Column("id", Types.INTEGER, "int4", 10, 0, false),
                new Column("r", Types.OTHER, "int4range", 0, 0, true)), List.of("id")), "hq"))
                .hasMessage("column \"r\": unsupported type 'int4range'");
    }

    private static String script(List<String> statements) {
        return String.join(";\n\n", statements) + ";\n";
    }

    private static final String INSTALL = """
            ALTER TABLE "shop"."order_lines"
                ADD COLUMN IF NOT EXISTS dv_version bigint,
                ADD COLUMN IF NOT EXISTS dv_origin varchar(36),
                ADD COLUMN IF NOT EXISTS dv_site varchar(64),
                ADD COLUMN IF NOT EXISTS dv_changed_at timestamptz,
                ADD COLUMN IF NOT EXISTS dv_seq bigint,
                ADD COLUMN IF NOT EXISTS dv_from varchar(64),
                ADD COLUMN IF NOT EXISTS dv_txid bigint,
                DROP COLUMN IF EXISTS dv_cols;

            CREATE TABLE IF NOT EXISTS "shop"."dv_tomb_order_lines" (
                "order_no" varchar(12) NOT NULL,
                "line" smallint NOT NULL,
                dv_version bigint,
                dv_origin varchar(36),
                dv_site varchar(64),
                dv_changed_at timestamptz,
                dv_seq bigint,
                dv_from varchar(64),
                dv_txid bigint,
                PRIMARY KEY ("order_no", "line")
            );

            CREATE INDEX IF NOT EXISTS "dv_tomb_order_lines_dv_seq_idx" ON "shop"."dv_tomb_order_lines" (dv_seq);

            CREATE INDEX IF NOT EXISTS "dv_tomb_order_lines_dv_txid_idx" ON "shop"."dv_tomb_order_lines" (dv_txid);

            CREATE OR REPLACE FUNCTION "shop"."dv_trg_order_lines_row"() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET enable_seqscan = off AS $dv$
            DECLARE
                -- Named dv_*, a prefix no user column may have, so no name here is ambiguous.
                dv_tomb_version pg_catalog.int8;
                dv_tomb_origin pg_catalog.varchar(36);
            BEGIN
                -- Applying mode: a row received from a peer keeps the bookkeeping it came with, and
                -- the sync deals with tombstones itself. Only dovetail.set_applying(true), which nobody
                -- but the installing role may run, puts the site's secret token into the setting
                -- (site-functions.sql); dovetail.applying_token() is IMMUTABLE, so PL/pgSQL folds it into
                -- this expression's cached plan once per session, not once per row. (The setting is
                -- NULL in a session that never set it: that is not applying.)
                IF pg_catalog.current_setting('dovetail.applying', true) OPERATOR(pg_catalog.=) dovetail.applying_token() THEN
                    NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
                    NEW.dv_txid := pg_catalog.txid_current();
                    RETURN NEW;
                END IF;
                IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' THEN
                    IF NEW."order_no" OPERATOR(pg_catalog.=) OLD."order_no"
                           AND NEW."line" OPERATOR(pg_catalog.=) OLD."line" THEN
                        -- The same stored values, byte for byte (NULL as NULL): text under any collation,
                        -- numeric with its scale, json as written, -0.0 apart from 0.0. First the columns
                        -- install knew (cheap: most UPDATEs change one of them and stop here) ...
                        IF pg_catalog.record_image_eq(ROW(NEW."line", NEW."qty", NEW."order_no", NEW."data"), ROW(OLD."line", OLD."qty", OLD."order_no", OLD."data")) THEN
                            -- ... then, when none of those changed, the whole rows, so that a column added
                            -- after install counts too. What the statement did to the dv_ columns is undone
                            -- first, and NEW's STORED generated columns (not computed yet in a BEFORE
                            -- trigger; the database computes them after it) take OLD's values.
                            NEW.dv_version := OLD.dv_version;
                            NEW.dv_origin := OLD.dv_origin;
                            NEW.dv_site := OLD.dv_site;
                            NEW.dv_changed_at := OLD.dv_changed_at;
                            NEW.dv_seq := OLD.dv_seq;
                            NEW.dv_from := OLD.dv_from;
                            NEW.dv_txid := OLD.dv_txid;
                            NEW."total" := OLD."total";
                            IF pg_catalog.record_image_eq(NEW, OLD) THEN
                                RETURN NEW; -- not a change
                            END IF;
                        END IF;
                        IF OLD.dv_version IS NOT NULL THEN
                            NEW.dv_version := OLD.dv_version OPERATOR(pg_catalog.+) 1;
                            NEW.dv_origin := OLD.dv_origin;
                            NEW.dv_site := 'hq';
                            NEW.dv_changed_at := pg_catalog.now();
                            NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
                            NEW.dv_from := NULL;
                            NEW.dv_txid := pg_catalog.txid_current();
                            RETURN NEW;
                        END IF;
                        -- A row from before install that is not backfilled yet: bookkept as an INSERT.
                    ELSE
                        -- A new primary key: the old key is deleted (a tombstone), the new one inserted.
                        INSERT INTO "shop"."dv_tomb_order_lines" AS tomb
                            ("order_no", "line", dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from, dv_txid)
                        VALUES (OLD."order_no", OLD."line", coalesce(OLD.dv_version, 0) OPERATOR(pg_catalog.+) 1,
                                coalesce(OLD.dv_origin, pg_catalog.gen_random_uuid()::pg_catalog.text),
                                'hq', pg_catalog.now(), pg_catalog.nextval('dovetail.change_seq'), NULL,
                                pg_catalog.txid_current())
                        ON CONFLICT ("order_no", "line") DO UPDATE SET
                            dv_version = excluded.dv_version, dv_origin = excluded.dv_origin, dv_site = excluded.dv_site,
                            dv_changed_at = excluded.dv_changed_at, dv_seq = excluded.dv_seq, dv_from = excluded.dv_from,
                            dv_txid = excluded.dv_txid;
                    END IF;
                END IF;
                -- An INSERT, or an UPDATE bookkept as one. First wait for a transaction that is deleting
                -- the key (its tombstone is not visible yet): locking the live row waits for it to end,
                -- and then finds no row, while the next statement sees the committed tombstone. Without
                -- this, the insert would wait only later, on the primary key, and the key would end up
                -- both alive and dead. (Under REPEATABLE READ the lock fails with a serialization error
                -- instead.) For a new key this is one index probe that finds nothing.
                PERFORM FROM "shop"."order_lines" AS live WHERE live."order_no" OPERATOR(pg_catalog.=) NEW."order_no" AND live."line" OPERATOR(pg_catalog.=) NEW."line" FOR KEY SHARE;
                -- A dead key comes alive again: its tombstone goes, and its history (version, origin)
                -- continues. Most keys have no tombstone, and looking costs less than a DELETE that
                -- finds nothing.
                PERFORM FROM "shop"."dv_tomb_order_lines" AS tomb WHERE tomb."order_no" OPERATOR(pg_catalog.=) NEW."order_no" COLLATE pg_catalog."default" AND tomb."line" OPERATOR(pg_catalog.=) NEW."line";
                IF FOUND THEN
                    DELETE FROM "shop"."dv_tomb_order_lines" AS tomb WHERE tomb."order_no" OPERATOR(pg_catalog.=) NEW."order_no" COLLATE pg_catalog."default" AND tomb."line" OPERATOR(pg_catalog.=) NEW."line"
                    RETURNING tomb.dv_version, tomb.dv_origin INTO dv_tomb_version, dv_tomb_origin;
                END IF;
                -- Both NULL unless the DELETE returned a tombstone.
                NEW.dv_version := coalesce(dv_tomb_version, 0) OPERATOR(pg_catalog.+) 1;
                NEW.dv_origin := coalesce(dv_tomb_origin, pg_catalog.gen_random_uuid()::pg_catalog.text);
                NEW.dv_site := 'hq';
                NEW.dv_changed_at := pg_catalog.now();
                NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
                NEW.dv_from := NULL;
                NEW.dv_txid := pg_catalog.txid_current();
                RETURN NEW;
            END
            $dv$;

            CREATE OR REPLACE FUNCTION "shop"."dv_trg_order_lines_del"() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER AS $dv$
            BEGIN
                IF pg_catalog.current_setting('dovetail.applying', true) OPERATOR(pg_catalog.=) dovetail.applying_token() THEN
                    RETURN NULL;
                END IF;
                INSERT INTO "shop"."dv_tomb_order_lines" AS tomb
                    ("order_no", "line", dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from, dv_txid)
                VALUES (OLD."order_no", OLD."line", coalesce(OLD.dv_version, 0) OPERATOR(pg_catalog.+) 1,
                        coalesce(OLD.dv_origin, pg_catalog.gen_random_uuid()::pg_catalog.text),
                        'hq', pg_catalog.now(), pg_catalog.nextval('dovetail.change_seq'), NULL, pg_catalog.txid_current())
                ON CONFLICT ("order_no", "line") DO UPDATE SET
                    dv_version = excluded.dv_version, dv_origin = excluded.dv_origin, dv_site = excluded.dv_site,
                    dv_changed_at = excluded.dv_changed_at, dv_seq = excluded.dv_seq, dv_from = excluded.dv_from,
                    dv_txid = excluded.dv_txid;
                RETURN NULL;
            END
            $dv$;

            CREATE OR REPLACE FUNCTION "shop"."dv_trg_order_lines_trunc"() RETURNS trigger
            LANGUAGE plpgsql AS $dv$
            BEGIN
                RAISE EXCEPTION USING ERRCODE = 'feature_not_supported', MESSAGE = 'TRUNCATE of replicated table shop.order_lines is refused by Dovetail: use DELETE so the deletes reach the other sites';
            END
            $dv$;

            REVOKE EXECUTE ON FUNCTION "shop"."dv_trg_order_lines_row"() FROM PUBLIC;

            REVOKE EXECUTE ON FUNCTION "shop"."dv_trg_order_lines_del"() FROM PUBLIC;

            REVOKE EXECUTE ON FUNCTION "shop"."dv_trg_order_lines_trunc"() FROM PUBLIC;

            DROP TRIGGER IF EXISTS "dv_trg_order_lines_row" ON "shop"."order_lines";

            CREATE TRIGGER "dv_trg_order_lines_row" BEFORE INSERT OR UPDATE ON "shop"."order_lines"
                FOR EACH ROW EXECUTE FUNCTION "shop"."dv_trg_order_lines_row"();

            DROP TRIGGER IF EXISTS "dv_trg_order_lines_del" ON "shop"."order_lines";

            CREATE TRIGGER "dv_trg_order_lines_del" AFTER DELETE ON "shop"."order_lines"
                FOR EACH ROW EXECUTE FUNCTION "shop"."dv_trg_order_lines_del"();

            DROP TRIGGER IF EXISTS "dv_trg_order_lines_trunc" ON "shop"."order_lines";

            CREATE TRIGGER "dv_trg_order_lines_trunc" BEFORE TRUNCATE ON "shop"."order_lines"
                FOR EACH STATEMENT EXECUTE FUNCTION "shop"."dv_trg_order_lines_trunc"();
            """;

    private static final String UNINSTALL = """
            DROP TRIGGER IF EXISTS "dv_trg_order_lines_row" ON "shop"."order_lines";

            DROP TRIGGER IF EXISTS "dv_trg_order_lines_del" ON "shop"."order_lines";

            DROP TRIGGER IF EXISTS "dv_trg_order_lines_trunc" ON "shop"."order_lines";

            DROP FUNCTION IF EXISTS "shop"."dv_trg_order_lines_row"();

            DROP FUNCTION IF EXISTS "shop"."dv_trg_order_lines_del"();

            DROP FUNCTION IF EXISTS "shop"."dv_trg_order_lines_trunc"();

            DROP TABLE IF EXISTS "shop"."dv_tomb_order_lines";

            DROP INDEX IF EXISTS "shop"."order_lines_dv_seq_idx";

            DROP INDEX IF EXISTS "shop"."order_lines_dv_txid_idx";

            ALTER TABLE IF EXISTS "shop"."order_lines"
                DROP COLUMN IF EXISTS dv_version,
                DROP COLUMN IF EXISTS dv_origin,
                DROP COLUMN IF EXISTS dv_site,
                DROP COLUMN IF EXISTS dv_changed_at,
                DROP COLUMN IF EXISTS dv_seq,
                DROP COLUMN IF EXISTS dv_from,
                DROP COLUMN IF EXISTS dv_txid,
                DROP COLUMN IF EXISTS dv_cols;
            """;

    private static final String TRACKED_ALTER = """
            ALTER TABLE "shop"."order_lines"
                ADD COLUMN IF NOT EXISTS dv_version bigint,
                ADD COLUMN IF NOT EXISTS dv_origin varchar(36),
                ADD COLUMN IF NOT EXISTS dv_site varchar(64),
                ADD COLUMN IF NOT EXISTS dv_changed_at timestamptz,
                ADD COLUMN IF NOT EXISTS dv_seq bigint,
                ADD COLUMN IF NOT EXISTS dv_from varchar(64),
                ADD COLUMN IF NOT EXISTS dv_txid bigint,
                ADD COLUMN IF NOT EXISTS dv_cols text""";

    private static final String TRACKED_ROW_FUNCTION = """
            CREATE OR REPLACE FUNCTION "shop"."dv_trg_order_lines_row"() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET enable_seqscan = off AS $dv$
            DECLARE
                -- Named dv_*, a prefix no user column may have, so no name here is ambiguous.
                dv_tomb_version pg_catalog.int8;
                dv_tomb_origin pg_catalog.varchar(36);
                -- dv_cols: OLD's, and OLD's own entry (SEQ:TXID[@FROM]) for a column it has none for.
                dv_old_cols pg_catalog.jsonb := OLD.dv_cols::pg_catalog.jsonb;
                dv_old_entry pg_catalog.text := pg_catalog.concat(OLD.dv_seq, ':', OLD.dv_txid,
                    '@' OPERATOR(pg_catalog.||) OLD.dv_from);
            BEGIN
                -- Applying mode: a row received from a peer keeps the bookkeeping it came with, and
                -- the sync deals with tombstones itself. Only dovetail.set_applying(true), which nobody
                -- but the installing role may run, puts the site's secret token into the setting
                -- (site-functions.sql); dovetail.applying_token() is IMMUTABLE, so PL/pgSQL folds it into
                -- this expression's cached plan once per session, not once per row. (The setting is
                -- NULL in a session that never set it: that is not applying.)
                IF pg_catalog.current_setting('dovetail.applying', true) OPERATOR(pg_catalog.=) dovetail.applying_token() THEN
                    NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
                    NEW.dv_txid := pg_catalog.txid_current();
                    -- A row received by an UPDATE of the same backfilled row: the columns it changed get
                    -- this write's entry (with the peer in dv_from); an INSERT, a key move, a backfill: NULL.
                    NEW.dv_cols := CASE WHEN TG_OP OPERATOR(pg_catalog.=) 'UPDATE' AND OLD.dv_version IS NOT NULL
                        AND NEW."order_no" OPERATOR(pg_catalog.=) OLD."order_no"
                           AND NEW."line" OPERATOR(pg_catalog.=) OLD."line" THEN pg_catalog.json_object(ARRAY['order_no', 'line', 'data', 'qty']::pg_catalog.text[], ARRAY[
                            CASE WHEN pg_catalog.record_image_eq(ROW(NEW."order_no"), ROW(OLD."order_no"))
                                THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) 'order_no', dv_old_entry)
                                ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid, '@' OPERATOR(pg_catalog.||) NEW.dv_from) END,
                            CASE WHEN pg_catalog.record_image_eq(ROW(NEW."line"), ROW(OLD."line"))
                                THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) 'line', dv_old_entry)
                                ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid, '@' OPERATOR(pg_catalog.||) NEW.dv_from) END,
                            CASE WHEN pg_catalog.record_image_eq(ROW(NEW."data"), ROW(OLD."data"))
                                THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) 'data', dv_old_entry)
                                ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid, '@' OPERATOR(pg_catalog.||) NEW.dv_from) END,
                            CASE WHEN pg_catalog.record_image_eq(ROW(NEW."qty"), ROW(OLD."qty"))
                                THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) 'qty', dv_old_entry)
                                ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid, '@' OPERATOR(pg_catalog.||) NEW.dv_from) END])::pg_catalog.text END;
                    RETURN NEW;
                END IF;
                IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' THEN
                    IF NEW."order_no" OPERATOR(pg_catalog.=) OLD."order_no"
                           AND NEW."line" OPERATOR(pg_catalog.=) OLD."line" THEN
                        -- The same stored values, byte for byte (NULL as NULL): text under any collation,
                        -- numeric with its scale, json as written, -0.0 apart from 0.0. First the columns
                        -- install knew (cheap: most UPDATEs change one of them and stop here) ...
                        IF pg_catalog.record_image_eq(ROW(NEW."line", NEW."qty", NEW."order_no", NEW."data"), ROW(OLD."line", OLD."qty", OLD."order_no", OLD."data")) THEN
                            -- ... then, when none of those changed, the whole rows, so that a column added
                            -- after install counts too. What the statement did to the dv_ columns is undone
                            -- first, and NEW's STORED generated columns (not computed yet in a BEFORE
                            -- trigger; the database computes them after it) take OLD's values.
                            NEW.dv_version := OLD.dv_version;
                            NEW.dv_origin := OLD.dv_origin;
                            NEW.dv_site := OLD.dv_site;
                            NEW.dv_changed_at := OLD.dv_changed_at;
                            NEW.dv_seq := OLD.dv_seq;
                            NEW.dv_from := OLD.dv_from;
                            NEW.dv_txid := OLD.dv_txid;
                            NEW.dv_cols := OLD.dv_cols;
                            NEW."total" := OLD."total";
                            IF pg_catalog.record_image_eq(NEW, OLD) THEN
                                RETURN NEW; -- not a change
                            END IF;
                        END IF;
                        IF OLD.dv_version IS NOT NULL THEN
                            NEW.dv_version := OLD.dv_version OPERATOR(pg_catalog.+) 1;
                            NEW.dv_origin := OLD.dv_origin;
                            NEW.dv_site := 'hq';
                            NEW.dv_changed_at := pg_catalog.now();
                            NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
                            NEW.dv_from := NULL;
                            NEW.dv_txid := pg_catalog.txid_current();
                            NEW.dv_cols := pg_catalog.json_object(ARRAY['order_no', 'line', 'data', 'qty']::pg_catalog.text[], ARRAY[
                            CASE WHEN pg_catalog.record_image_eq(ROW(NEW."order_no"), ROW(OLD."order_no"))
                                THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) 'order_no', dv_old_entry)
                                ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid, '@' OPERATOR(pg_catalog.||) NEW.dv_from) END,
                            CASE WHEN pg_catalog.record_image_eq(ROW(NEW."line"), ROW(OLD."line"))
                                THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) 'line', dv_old_entry)
                                ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid, '@' OPERATOR(pg_catalog.||) NEW.dv_from) END,
                            CASE WHEN pg_catalog.record_image_eq(ROW(NEW."data"), ROW(OLD."data"))
                                THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) 'data', dv_old_entry)
                                ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid, '@' OPERATOR(pg_catalog.||) NEW.dv_from) END,
                            CASE WHEN pg_catalog.record_image_eq(ROW(NEW."qty"), ROW(OLD."qty"))
                                THEN coalesce(dv_old_cols OPERATOR(pg_catalog.->>) 'qty', dv_old_entry)
                                ELSE pg_catalog.concat(NEW.dv_seq, ':', NEW.dv_txid, '@' OPERATOR(pg_catalog.||) NEW.dv_from) END])::pg_catalog.text;
                            RETURN NEW;
                        END IF;
                        -- A row from before install that is not backfilled yet: bookkept as an INSERT.
                    ELSE
                        -- A new primary key: the old key is deleted (a tombstone), the new one inserted.
                        INSERT INTO "shop"."dv_tomb_order_lines" AS tomb
                            ("order_no", "line", dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from, dv_txid)
                        VALUES (OLD."order_no", OLD."line", coalesce(OLD.dv_version, 0) OPERATOR(pg_catalog.+) 1,
                                coalesce(OLD.dv_origin, pg_catalog.gen_random_uuid()::pg_catalog.text),
                                'hq', pg_catalog.now(), pg_catalog.nextval('dovetail.change_seq'), NULL,
                                pg_catalog.txid_current())
                        ON CONFLICT ("order_no", "line") DO UPDATE SET
                            dv_version = excluded.dv_version, dv_origin = excluded.dv_origin, dv_site = excluded.dv_site,
                            dv_changed_at = excluded.dv_changed_at, dv_seq = excluded.dv_seq, dv_from = excluded.dv_from,
                            dv_txid = excluded.dv_txid;
                    END IF;
                END IF;
                -- An INSERT, or an UPDATE bookkept as one. First wait for a transaction that is deleting
                -- the key (its tombstone is not visible yet): locking the live row waits for it to end,
                -- and then finds no row, while the next statement sees the committed tombstone. Without
                -- this, the insert would wait only later, on the primary key, and the key would end up
                -- both alive and dead. (Under REPEATABLE READ the lock fails with a serialization error
                -- instead.) For a new key this is one index probe that finds nothing.
                PERFORM FROM "shop"."order_lines" AS live WHERE live."order_no" OPERATOR(pg_catalog.=) NEW."order_no" AND live."line" OPERATOR(pg_catalog.=) NEW."line" FOR KEY SHARE;
                -- A dead key comes alive again: its tombstone goes, and its history (version, origin)
                -- continues. Most keys have no tombstone, and looking costs less than a DELETE that
                -- finds nothing.
                PERFORM FROM "shop"."dv_tomb_order_lines" AS tomb WHERE tomb."order_no" OPERATOR(pg_catalog.=) NEW."order_no" COLLATE pg_catalog."default" AND tomb."line" OPERATOR(pg_catalog.=) NEW."line";
                IF FOUND THEN
                    DELETE FROM "shop"."dv_tomb_order_lines" AS tomb WHERE tomb."order_no" OPERATOR(pg_catalog.=) NEW."order_no" COLLATE pg_catalog."default" AND tomb."line" OPERATOR(pg_catalog.=) NEW."line"
                    RETURNING tomb.dv_version, tomb.dv_origin INTO dv_tomb_version, dv_tomb_origin;
                END IF;
                -- Both NULL unless the DELETE returned a tombstone.
                NEW.dv_version := coalesce(dv_tomb_version, 0) OPERATOR(pg_catalog.+) 1;
                NEW.dv_origin := coalesce(dv_tomb_origin, pg_catalog.gen_random_uuid()::pg_catalog.text);
                NEW.dv_site := 'hq';
                NEW.dv_changed_at := pg_catalog.now();
                NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
                NEW.dv_from := NULL;
                NEW.dv_txid := pg_catalog.txid_current();
                -- A new row: every column counts as changed in the row's own entry.
                NEW.dv_cols := NULL;
                RETURN NEW;
            END
            $dv$""";
}
