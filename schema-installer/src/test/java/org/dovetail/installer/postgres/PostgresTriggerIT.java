package org.dovetail.installer.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dovetail.core.dialect.postgres.PostgresDialect;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL triggers of docs/bookkeeping.md, proven the way an application meets them:
 * rows written through plain JDBC, bookkeeping read back.
 */
class PostgresTriggerIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    private static final PostgresDialect DIALECT = new PostgresDialect();
    private static final String SITE = "desk";

    /** The table of the running test: {@code app.<test method name>}, installed. */
    private String table;
    private String tomb;

    @BeforeAll
    static void metadata() throws SQLException {
        PostgresTriggerTables.site(pg);
    }

    @BeforeEach
    void items(TestInfo test) throws SQLException {
        String name = PostgresTriggerTables.tableName(test);
        table = "app." + name;
        tomb = "app." + DIALECT.tombstoneName(name);
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE " + table + " (id integer PRIMARY KEY, name varchar(40) NOT NULL,"
                    + " price numeric(10,2), note text)");
            install(c, new TableShape("app", name, List.of(
                    new Column("id", Types.INTEGER, "int4", 10, 0, false),
                    new Column("name", Types.VARCHAR, "varchar", 40, 0, false),
                    new Column("price", Types.NUMERIC, "numeric", 10, 2, true),
                    new Column("note", Types.VARCHAR, "text", Integer.MAX_VALUE, 0, true)), List.of("id")));
        }
    }

    @Test
    void insertGivesVersionOneAFreshOriginTheSiteASeqAndTheTxid() throws SQLException {
        try (Connection c = pg.connect()) {
            c.setAutoCommit(false);
            long txid = txid(c);
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one'), (2, 'two')");
            c.commit();

            Bk one = row(c, 1).orElseThrow();
            Bk two = row(c, 2).orElseThrow();
            assertThat(one.version).isEqualTo(1);
            assertThat(UUID.fromString(one.origin).toString()).isEqualTo(one.origin);
            assertThat(two.origin).isNotEqualTo(one.origin);
            assertThat(one.site).isEqualTo(SITE);
            assertThat(one.changedAt).isNotNull();
            assertThat(one.seq).isNotNull();
            assertThat(two.seq).isGreaterThan(one.seq);
            assertThat(one.from).isNull();
            assertThat(one.txid).isEqualTo(txid);
            assertThat(two.txid).isEqualTo(txid);
        }
    }

    @Test
    void insertOverwritesWhateverTheApplicationPutInTheBookkeepingColumns() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq,"
                    + " dv_from, dv_txid) VALUES (1, 'one', 42, 'forged', 'elsewhere', '2000-01-01', -5, 'peer', 7)");

            Bk one = row(c, 1).orElseThrow();
            assertThat(one.version).isEqualTo(1);
            assertThat(one.origin).isNotEqualTo("forged").hasSize(36);
            assertThat(one.site).isEqualTo(SITE);
            assertThat(one.changedAt.getYear()).isGreaterThan(2000);
            assertThat(one.seq).isPositive();
            assertThat(one.from).isNull();
            assertThat(one.txid).isNotEqualTo(7);
        }
    }

    @Test
    void updateChangingAColumnCountsOnceKeepsTheOriginAndTakesALargerSeq() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            Bk before = row(c, 1).orElseThrow();
            c.setAutoCommit(false);
            long txid = txid(c);
            exec(c, "UPDATE " + table + " SET price = 9.99 WHERE id = 1");
            c.commit();

            Bk after = row(c, 1).orElseThrow();
            assertThat(after.version).isEqualTo(2);
            assertThat(after.origin).isEqualTo(before.origin);
            assertThat(after.site).isEqualTo(SITE);
            assertThat(after.changedAt).isAfterOrEqualTo(before.changedAt);
            assertThat(after.seq).isGreaterThan(before.seq);
            assertThat(after.from).isNull();
            assertThat(after.txid).isEqualTo(txid);
        }
    }

    @Test
    void updateSettingTheSameValuesChangesNoBookkeeping() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name, price, note) VALUES (1, 'one', 1.50, NULL)");
            Bk before = row(c, 1).orElseThrow();

            exec(c, "UPDATE " + table + " SET name = 'one', price = 1.5, note = NULL WHERE id = 1");
            exec(c, "UPDATE " + table + " SET id = id, name = name WHERE id = 1");
            assertThat(row(c, 1)).contains(before);
        }
    }

    @Test
    void updateOfBookkeepingColumnsAloneIsUndone() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            Bk before = row(c, 1).orElseThrow();

            exec(c, "UPDATE " + table + " SET dv_version = 99, dv_origin = 'forged', dv_site = 'x',"
                    + " dv_changed_at = now() - interval '1 day', dv_seq = 0, dv_from = 'peer', dv_txid = 1 WHERE id = 1");
            assertThat(row(c, 1)).contains(before);

            exec(c, "UPDATE " + table + " SET name = 'uno', dv_version = 99, dv_origin = 'forged' WHERE id = 1");
            Bk after = row(c, 1).orElseThrow();
            assertThat(after.version).isEqualTo(2);
            assertThat(after.origin).isEqualTo(before.origin);
        }
    }

    @Test
    void deleteLeavesATombstoneWithTheNextVersionAndTheSameOrigin() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            exec(c, "UPDATE " + table + " SET name = 'uno' WHERE id = 1");
            Bk alive = row(c, 1).orElseThrow();
            c.setAutoCommit(false);
            long txid = txid(c);
            exec(c, "DELETE FROM " + table + " WHERE id = 1");
            c.commit();

            assertThat(row(c, 1)).isEmpty();
            Bk dead = tombstone(c, 1).orElseThrow();
            assertThat(dead.version).isEqualTo(3);
            assertThat(dead.origin).isEqualTo(alive.origin);
            assertThat(dead.site).isEqualTo(SITE);
            assertThat(dead.changedAt).isNotNull();
            assertThat(dead.seq).isGreaterThan(alive.seq);
            assertThat(dead.from).isNull();
            assertThat(dead.txid).isEqualTo(txid);
        }
    }

    @Test
    void reinsertingADeletedKeyContinuesItsHistory() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            exec(c, "DELETE FROM " + table + " WHERE id = 1");
            Bk dead = tombstone(c, 1).orElseThrow();

            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'again')");
            Bk alive = row(c, 1).orElseThrow();
            assertThat(alive.version).isEqualTo(dead.version + 1).isEqualTo(3);
            assertThat(alive.origin).isEqualTo(dead.origin);
            assertThat(alive.seq).isGreaterThan(dead.seq);
            assertThat(tombstone(c, 1)).isEmpty();
        }
    }

    @Test
    void primaryKeyUpdateDeletesTheOldKeyAndInsertsTheNewOne() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one'), (3, 'three')");
            exec(c, "UPDATE " + table + " SET name = 'uno' WHERE id = 1");
            Bk one = row(c, 1).orElseThrow();

            exec(c, "UPDATE " + table + " SET id = 2 WHERE id = 1");
            Bk dead = tombstone(c, 1).orElseThrow();
            assertThat(dead.version).isEqualTo(3);
            assertThat(dead.origin).isEqualTo(one.origin);
            Bk two = row(c, 2).orElseThrow();
            assertThat(two.version).isEqualTo(1);
            assertThat(two.origin).isNotEqualTo(one.origin).hasSize(36);
            assertThat(two.seq).isGreaterThan(dead.seq);

            // Moving a row onto a dead key continues that key's history.
            Bk three = row(c, 3).orElseThrow();
            exec(c, "UPDATE " + table + " SET id = 1 WHERE id = 3");
            Bk moved = row(c, 1).orElseThrow();
            assertThat(moved.version).isEqualTo(4);
            assertThat(moved.origin).isEqualTo(dead.origin);
            assertThat(tombstone(c, 1)).isEmpty();
            assertThat(tombstone(c, 3).orElseThrow().origin).isEqualTo(three.origin);
        }
    }

    @Test
    void applyingModeKeepsTheIncomingBookkeepingButTakesALocalSeqAndTxid() throws SQLException {
        OffsetDateTime then = OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 0, ZoneOffset.UTC);
        String origin = UUID.randomUUID().toString();
        try (Connection c = pg.connect()) {
            c.setAutoCommit(false);
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (9, 'dead soon')");
            exec(c, "DELETE FROM " + table + " WHERE id = 9");
            c.commit();
            Bk dead = tombstone(c, 9).orElseThrow();

            long txid = txid(c);
            DIALECT.setApplying(c, true);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (id, name, dv_version, dv_origin,"
                    + " dv_site, dv_changed_at, dv_from) VALUES (?, 'from laptop', 5, ?, 'laptop', ?, 'laptop')")) {
                for (int id : new int[] {1, 9}) {
                    s.setInt(1, id);
                    s.setString(2, origin);
                    s.setObject(3, then);
                    s.executeUpdate();
                }
            }
            c.commit();
            Bk one = row(c, 1).orElseThrow();
            assertThat(one).isEqualTo(new Bk(5L, origin, "laptop", then, one.seq, "laptop", txid));
            assertThat(one.seq).isPositive();
            assertThat(row(c, 9).orElseThrow().version).isEqualTo(5);
            assertThat(tombstone(c, 9)).as("an applied insert leaves the tombstones alone (the sync ends them)")
                    .contains(dead);

            DIALECT.setApplying(c, true);
            exec(c, "UPDATE " + table + " SET name = 'edited at laptop', dv_version = 6 WHERE id = 1");
            c.commit();
            Bk updated = row(c, 1).orElseThrow();
            assertThat(updated.version).isEqualTo(6);
            assertThat(updated.origin).isEqualTo(origin);
            assertThat(updated.site).isEqualTo("laptop");
            assertThat(updated.changedAt).isEqualTo(then);
            assertThat(updated.from).isEqualTo("laptop");
            assertThat(updated.seq).isGreaterThan(one.seq);

            DIALECT.setApplying(c, true);
            exec(c, "UPDATE " + table + " SET id = 3 WHERE id = 9");
            c.commit();
            assertThat(row(c, 3).orElseThrow().version).isEqualTo(5);
            assertThat(tombstone(c, 9)).as("an applied key change writes no tombstone").contains(dead);
            assertThat(tombstone(c, 3)).isEmpty();

            DIALECT.setApplying(c, true);
            exec(c, "DELETE FROM " + table + " WHERE id = 1");
            c.commit();
            assertThat(row(c, 1)).isEmpty();
            assertThat(tombstone(c, 1)).as("the sync writes its tombstones itself").isEmpty();

            // set_config(..., true) is transaction-local: the next transaction bookkeeps again.
            exec(c, "INSERT INTO " + table + " (id, name, dv_version) VALUES (2, 'local', 5)");
            c.commit();
            assertThat(row(c, 2).orElseThrow().version).isEqualTo(1);
            DIALECT.setApplying(c, true);
            DIALECT.setApplying(c, false);
            exec(c, "DELETE FROM " + table + " WHERE id = 2");
            c.commit();
            assertThat(tombstone(c, 2)).isPresent();
        }
    }

    /**
     * The trigger functions are SECURITY DEFINER without a fixed search_path: a role that may
     * only write the table sets up look-alikes of everything they use, in a schema of its own
     * ahead of pg_catalog and in pg_temp (searched first for types). None may ever run (they
     * would run with the rights of the functions' owner), and the bookkeeping stays right.
     */
    @Test
    void aCallersSearchPathCannotHijackTheTriggers() throws SQLException {
        String role = "intruder_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE app.guarded (id integer PRIMARY KEY, name varchar(40), price numeric(10,2),"
                    + " amount numeric, note text, doc jsonb, at timestamptz)");
            install(c, new TableShape("app", "guarded", List.of(
                    new Column("id", Types.INTEGER, "int4", 10, 0, false),
                    new Column("name", Types.VARCHAR, "varchar", 40, 0, true),
                    new Column("price", Types.NUMERIC, "numeric", 10, 2, true),
                    new Column("amount", Types.NUMERIC, "numeric", 0, 0, true),
                    new Column("note", Types.VARCHAR, "text", Integer.MAX_VALUE, 0, true),
                    new Column("doc", Types.OTHER, "jsonb", Integer.MAX_VALUE, 0, true),
                    new Column("at", Types.TIMESTAMP, "timestamptz", 35, 6, true)), List.of("id")));
            exec(c, "CREATE ROLE " + role + " LOGIN PASSWORD 'secret'");
            exec(c, "GRANT USAGE ON SCHEMA app TO " + role);
            exec(c, "GRANT SELECT, INSERT, UPDATE, DELETE ON app.guarded TO " + role);
            exec(c, "GRANT CREATE ON DATABASE \"" + pg.database().name() + "\" TO " + role);
            try (Connection intruder = pg.database().connect(role, "secret")) {
                String trap = "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hijacked'; END $$";
                exec(intruder, "CREATE SCHEMA trap");
                exec(intruder, "CREATE FUNCTION trap.hijacked() RETURNS boolean " + trap);
                for (String function : List.of("nextval(regclass) RETURNS bigint", "now() RETURNS timestamptz",
                        "txid_current() RETURNS bigint", "gen_random_uuid() RETURNS uuid",
                        "current_setting(text) RETURNS text", "current_setting(text, boolean) RETURNS text",
                        "record_image_eq(record, record) RETURNS boolean")) {
                    exec(intruder, "CREATE FUNCTION trap." + function + " " + trap);
                }
                int n = 0;
                for (String types : List.of("integer, integer", "bigint, bigint", "bigint, integer", "text, text",
                        "varchar, varchar", "numeric, numeric", "jsonb, jsonb", "timestamptz, timestamptz")) {
                    String[] args = types.split(", ");
                    for (String operator : List.of("=", "+")) {
                        String function = "trap.op" + n++;
                        exec(intruder, "CREATE FUNCTION " + function + "(" + types + ") RETURNS boolean " + trap);
                        exec(intruder, "CREATE OPERATOR trap." + operator + " (LEFTARG = " + args[0]
                                + ", RIGHTARG = " + args[1] + ", FUNCTION = " + function + ")");
                    }
                }
                for (String type : List.of("text", "int8", "int4", "numeric", "varchar", "jsonb", "timestamptz",
                        "uuid", "bool")) {
                    exec(intruder, "CREATE DOMAIN trap." + type + " AS pg_catalog." + type + " CHECK (trap.hijacked())");
                    exec(intruder, "CREATE DOMAIN pg_temp." + type + " AS pg_catalog." + type
                            + " CHECK (trap.hijacked())");
                }
                for (String collation : List.of("\"C\"", "\"default\"")) {
                    exec(intruder, "CREATE COLLATION trap." + collation
                            + " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
                }
                exec(intruder, "SET search_path = trap, pg_catalog");
                for (String armed : List.of("SELECT 1 = 1", "SELECT now()", "SELECT 'x'::text",
                        "SELECT current_setting('dovetail.applying', true)", "SELECT 2::bigint + 1")) {
                    assertThatThrownBy(() -> exec(intruder, armed)).as(armed).hasMessageContaining("hijacked");
                }
                assertThat(queryLong(intruder, "SELECT count(*) WHERE 'a' COLLATE \"C\" OPERATOR(pg_catalog.=) 'A'"))
                        .as("the look-alike collation \"C\" is caseless").isOne();

                exec(intruder, "INSERT INTO app.guarded VALUES (1, 'one', 1.5, 2.50, 'n', '{\"a\": 1}', '2024-01-01')");
                Bk inserted = bookkeeping(c, "app.guarded", 1).orElseThrow();
                assertThat(inserted.version).isEqualTo(1);
                assertThat(inserted.site).isEqualTo(SITE);
                assertThat(inserted.origin).hasSize(36);
                assertThat(inserted.seq).isPositive();

                String one = " WHERE id OPERATOR(pg_catalog.=) 1";
                exec(intruder, "UPDATE app.guarded SET name = 'one', price = 1.50, amount = 2.50, note = 'n',"
                        + " doc = '{\"a\": 1}', at = '2024-01-01'" + one);
                assertThat(bookkeeping(c, "app.guarded", 1)).as("the same values").contains(inserted);
                long version = 1;
                for (String change : List.of("name = 'ONE'", "amount = 2.500", "doc = '{\"a\": 1.0}'", "price = 2",
                        "note = NULL", "at = '2024-01-02'")) {
                    exec(intruder, "UPDATE app.guarded SET " + change + one);
                    Bk changed = bookkeeping(c, "app.guarded", 1).orElseThrow();
                    assertThat(changed.version).as(change).isEqualTo(++version);
                    assertThat(changed.origin).isEqualTo(inserted.origin);
                }

                exec(intruder, "UPDATE app.guarded SET id = 2" + one);
                Bk moved = bookkeeping(c, "app.dv_tomb_guarded", 1).orElseThrow();
                assertThat(moved.version).isEqualTo(version + 1);
                assertThat(moved.origin).isEqualTo(inserted.origin);
                assertThat(bookkeeping(c, "app.guarded", 2).orElseThrow().version).isEqualTo(1);

                exec(intruder, "DELETE FROM app.guarded WHERE id OPERATOR(pg_catalog.=) 2");
                assertThat(bookkeeping(c, "app.dv_tomb_guarded", 2).orElseThrow().version).isEqualTo(2);

                exec(intruder, "INSERT INTO app.guarded (id, name) VALUES (1, 'again')");
                Bk again = bookkeeping(c, "app.guarded", 1).orElseThrow();
                assertThat(again.version).isEqualTo(moved.version + 1);
                assertThat(again.origin).isEqualTo(moved.origin);
                assertThat(bookkeeping(c, "app.dv_tomb_guarded", 1)).isEmpty();

                // Nor does the role get at anything else of Dovetail's.
                exec(intruder, "CREATE TABLE trap.mine (LIKE app.guarded)");
                for (String denied : List.of("SELECT count(*) FROM app.dv_tomb_guarded",
                        "DELETE FROM app.dv_tomb_guarded",
                        "SELECT pg_catalog.nextval('dovetail.change_seq')",
                        "SELECT count(*) FROM dovetail.site",
                        "CREATE TRIGGER mine_row BEFORE INSERT OR UPDATE ON trap.mine FOR EACH ROW"
                                + " EXECUTE FUNCTION app.dv_trg_guarded_row()",
                        "CREATE TRIGGER mine_del AFTER DELETE ON trap.mine FOR EACH ROW"
                                + " EXECUTE FUNCTION app.dv_trg_guarded_del()")) {
                    assertThatThrownBy(() -> exec(intruder, denied)).as(denied).hasMessageContaining("permission denied");
                }
            }
            assertThat(queryLong(c, "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "' AND NOT rolsuper"
                    + " AND NOT rolcreaterole AND NOT rolcreatedb AND NOT rolbypassrls")).isOne();
            assertThat(queryLong(c, "SELECT count(*) WHERE has_table_privilege('" + role + "', 'app.dv_tomb_guarded',"
                    + " 'SELECT, INSERT, UPDATE, DELETE') OR has_schema_privilege('" + role + "', 'dovetail', 'USAGE')"
                    + " OR has_function_privilege('" + role + "', 'app.dv_trg_guarded_row()', 'EXECUTE')"
                    // pg_read_all_data exists from PostgreSQL 14 on
                    + " OR CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_read_all_data')"
                    + " THEN pg_has_role('" + role + "', 'pg_read_all_data', 'MEMBER') ELSE false END")).isZero();
            exec(c, "DROP OWNED BY " + role + "; DROP ROLE " + role);
        }
    }

    @Test
    void rolledBackWritesLeaveNoTrace() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            Bk before = row(c, 1).orElseThrow();
            c.setAutoCommit(false);
            exec(c, "UPDATE " + table + " SET name = 'uno' WHERE id = 1");
            exec(c, "DELETE FROM " + table + " WHERE id = 1");
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (2, 'two')");
            c.rollback();

            assertThat(row(c, 1)).contains(before);
            assertThat(tombstone(c, 1)).isEmpty();
            assertThat(row(c, 2)).isEmpty();
            assertThat(count(c, tomb)).isZero();
        }
    }

    @Test
    void concurrentSessionsGetDistinctSeqsAndCorrectRows() throws Exception {
        try (Connection setup = pg.connect(); Connection a = pg.connect(); Connection b = pg.connect()) {
            exec(setup, "INSERT INTO " + table + " (id, name) VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            long txidA = txid(a);
            long txidB = txid(b);
            exec(a, "UPDATE " + table + " SET name = 'a' WHERE id = 1");
            exec(b, "UPDATE " + table + " SET name = 'b' WHERE id = 2");
            exec(a, "INSERT INTO " + table + " (id, name) VALUES (10, 'a')");
            exec(b, "INSERT INTO " + table + " (id, name) VALUES (11, 'b')");
            exec(b, "DELETE FROM " + table + " WHERE id = 3");
            b.commit();
            a.commit();

            List<Long> seqs = new ArrayList<>();
            for (int id : new int[] {1, 2, 10, 11}) {
                seqs.add(row(setup, id).orElseThrow().seq);
            }
            seqs.add(tombstone(setup, 3).orElseThrow().seq);
            assertThat(seqs).doesNotHaveDuplicates();
            assertThat(row(setup, 1).orElseThrow()).extracting(Bk::version, Bk::txid).containsExactly(2L, txidA);
            assertThat(row(setup, 2).orElseThrow()).extracting(Bk::version, Bk::txid).containsExactly(2L, txidB);
            assertThat(row(setup, 10).orElseThrow()).extracting(Bk::version, Bk::txid).containsExactly(1L, txidA);
            assertThat(row(setup, 11).orElseThrow()).extracting(Bk::version, Bk::txid).containsExactly(1L, txidB);
            assertThat(tombstone(setup, 3).orElseThrow()).extracting(Bk::version, Bk::txid)
                    .containsExactly(2L, txidB);
        }
    }

    @Test
    void anUpdateThatWaitedForAnotherCountsOnTopOfIt() throws Exception {
        try (Connection a = pg.connect(); Connection b = pg.connect()) {
            exec(a, "INSERT INTO " + table + " (id, name, price) VALUES (1, 'one', 1)");
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            exec(a, "UPDATE " + table + " SET price = price + 1 WHERE id = 1");
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    exec(b, "SET LOCAL statement_timeout = '20s'");
                    exec(b, "UPDATE " + table + " SET price = price + 1 WHERE id = 1");
                    b.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLockWait();
            Bk first = row(a, 1).orElseThrow();
            a.commit();
            waiting.get(30, TimeUnit.SECONDS);

            Bk last = row(a, 1).orElseThrow();
            assertThat(last.version).isEqualTo(3);
            assertThat(last.origin).isEqualTo(first.origin);
            assertThat(last.seq).isGreaterThan(first.seq);
            try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery("SELECT price FROM " + table)) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        }
    }

    @Test
    void rowsFromBeforeInstallCountAsInsertedOnTheirFirstChange() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "ALTER TABLE " + table + " DISABLE TRIGGER USER");
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'old'), (2, 'old')");
            exec(c, "ALTER TABLE " + table + " ENABLE TRIGGER USER");

            exec(c, "UPDATE " + table + " SET name = 'old' WHERE id = 1");
            assertThat(row(c, 1).orElseThrow().version).as("an update that changes nothing").isNull();

            exec(c, "UPDATE " + table + " SET name = 'new' WHERE id = 2");
            Bk two = row(c, 2).orElseThrow();
            assertThat(two.version).isEqualTo(1);
            assertThat(two.origin).hasSize(36);
            assertThat(two.site).isEqualTo(SITE);
            assertThat(two.seq).isPositive();

            exec(c, "DELETE FROM " + table + " WHERE id = 1");
            Bk dead = tombstone(c, 1).orElseThrow();
            assertThat(dead.version).isEqualTo(1);
            assertThat(dead.origin).hasSize(36);
        }
    }

    @Test
    void changesThatEqualityWouldMissStillCount() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE app.exact (id integer PRIMARY KEY, n numeric, j json, b jsonb, t text,"
                    + " f double precision)");
            install(c, new TableShape("app", "exact", List.of(
                    new Column("id", Types.INTEGER, "int4", 10, 0, false),
                    new Column("n", Types.NUMERIC, "numeric", 0, 0, true),
                    new Column("j", Types.OTHER, "json", Integer.MAX_VALUE, 0, true),
                    new Column("b", Types.OTHER, "jsonb", Integer.MAX_VALUE, 0, true),
                    new Column("t", Types.VARCHAR, "text", Integer.MAX_VALUE, 0, true),
                    new Column("f", Types.DOUBLE, "float8", 17, 17, true)), List.of("id")));
            exec(c, "INSERT INTO app.exact VALUES (1, 1.5, '{\"a\": 1}', '{\"a\": 1.0}', 'abc', 0)");

            // As on H2 (SameValue): the stored value exactly, so -0.0 is not 0.0, and NaN is NaN.
            List<String> changes = List.of("n = 1.50", "j = '{\"a\":1}'", "b = '{\"a\": 1.00}'", "f = '-0'",
                    "f = 'NaN'", "t = NULL", "t = ''");
            long version = 1;
            for (String change : changes) {
                exec(c, "UPDATE app.exact SET " + change + " WHERE id = 1");
                assertThat(version(c, "app.exact", 1)).as(change).isEqualTo(++version);
            }
            exec(c, "UPDATE app.exact SET n = 1.50, j = '{\"a\":1}', b = '{\"a\": 1.00}', t = '', f = 'NaN'"
                    + " WHERE id = 1");
            assertThat(version(c, "app.exact", 1)).isEqualTo(version);

            assertThat(queryLong(c, "SELECT count(*) FROM pg_collation WHERE collprovider = 'i'"))
                    .as("ICU collations available").isPositive();
            exec(c, "CREATE COLLATION app.caseless (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
                    + " CREATE TABLE app.caseless (id integer PRIMARY KEY, t text COLLATE app.caseless);");
            install(c, new TableShape("app", "caseless", List.of(
                    new Column("id", Types.INTEGER, "int4", 10, 0, false),
                    new Column("t", Types.VARCHAR, "text", Integer.MAX_VALUE, 0, true)), List.of("id")));
            exec(c, "INSERT INTO app.caseless VALUES (1, 'abc'); UPDATE app.caseless SET t = 'ABC'");
            assertThat(version(c, "app.caseless", 1)).as("case change under a caseless collation").isEqualTo(2);
        }
    }

    @Test
    void compositeKeysWork() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE app.lines (order_no varchar(12), line smallint, qty integer,"
                    + " PRIMARY KEY (order_no, line))");
            install(c, new TableShape("app", "lines", List.of(
                    new Column("order_no", Types.VARCHAR, "varchar", 12, 0, false),
                    new Column("line", Types.SMALLINT, "int2", 5, 0, false),
                    new Column("qty", Types.INTEGER, "int4", 10, 0, true)), List.of("order_no", "line")));
            exec(c, "INSERT INTO app.lines VALUES ('A-1', 1, 5), ('A-1', 2, 7), ('B-1', 1, 1)");
            exec(c, "UPDATE app.lines SET qty = 6 WHERE order_no = 'A-1' AND line = 1");
            exec(c, "DELETE FROM app.lines WHERE order_no = 'A-1' AND line = 2");
            exec(c, "UPDATE app.lines SET line = 3 WHERE order_no = 'B-1'");

            assertThat(queryLong(c, "SELECT dv_version FROM app.lines WHERE order_no = 'A-1' AND line = 1"))
                    .isEqualTo(2);
            assertThat(queryLong(c, "SELECT dv_version FROM app.dv_tomb_lines WHERE order_no = 'A-1' AND line = 2"))
                    .isEqualTo(2);
            assertThat(queryLong(c, "SELECT dv_version FROM app.dv_tomb_lines WHERE order_no = 'B-1' AND line = 1"))
                    .isEqualTo(2);
            assertThat(queryLong(c, "SELECT dv_version FROM app.lines WHERE order_no = 'B-1' AND line = 3"))
                    .isEqualTo(1);

            exec(c, "INSERT INTO app.lines VALUES ('A-1', 2, 8)");
            assertThat(queryLong(c, "SELECT dv_version FROM app.lines WHERE order_no = 'A-1' AND line = 2"))
                    .isEqualTo(3);
            assertThat(count(c, "app.dv_tomb_lines")).isEqualTo(1);
        }
    }

    @Test
    void upsertsAreBookkeptLikeTheInsertOrUpdateTheyTurnInto() throws SQLException {
        try (Connection c = pg.connect()) {
            String upsert = "INSERT INTO " + table + " (id, name) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name";
            for (String name : new String[] {"one", "one", "uno"}) {
                try (PreparedStatement s = c.prepareStatement(upsert)) {
                    s.setString(1, name);
                    s.executeUpdate();
                }
            }
            assertThat(row(c, 1).orElseThrow().version).isEqualTo(2);
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'x') ON CONFLICT DO NOTHING");
            assertThat(row(c, 1).orElseThrow().version).isEqualTo(2);
        }
    }

    @Test
    void aColumnAddedAfterInstallIsComparedLikeTheOthers() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            exec(c, "ALTER TABLE " + table + " ADD COLUMN colour text, ADD COLUMN weight numeric");

            exec(c, "UPDATE " + table + " SET colour = 'red' WHERE id = 1");
            assertThat(row(c, 1).orElseThrow().version).as("an edit of the new column").isEqualTo(2);
            exec(c, "UPDATE " + table + " SET weight = 1.0 WHERE id = 1");
            exec(c, "UPDATE " + table + " SET weight = 1.00 WHERE id = 1");
            assertThat(row(c, 1).orElseThrow().version).as("exactly, scale included").isEqualTo(4);
            Bk before = row(c, 1).orElseThrow();
            exec(c, "UPDATE " + table + " SET colour = 'red', weight = 1.00 WHERE id = 1");
            assertThat(row(c, 1)).as("the same values").contains(before);
        }
    }

    @Test
    void storedGeneratedColumnsNeitherMakeNorHideAChange() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE app.priced (id integer PRIMARY KEY, qty integer, price numeric(10,2),"
                    + " total numeric GENERATED ALWAYS AS (qty * price) STORED)");
            TableShape priced = new Catalog(c, DIALECT).describe("app", "priced", false);
            assertThat(priced.column("total").orElseThrow().generated()).as("read from the catalog").isTrue();
            install(c, priced);
            exec(c, "INSERT INTO app.priced (id, qty, price) VALUES (1, 2, 1.50)");

            exec(c, "UPDATE app.priced SET qty = 2, price = 1.50 WHERE id = 1");
            assertThat(version(c, "app.priced", 1)).as("nothing changed").isEqualTo(1);
            exec(c, "UPDATE app.priced SET qty = 3 WHERE id = 1");
            assertThat(version(c, "app.priced", 1)).isEqualTo(2);
            assertThat(queryLong(c, "SELECT (total * 100)::bigint FROM app.priced")).as("computed after the trigger")
                    .isEqualTo(450);
        }
    }

    /**
     * "Replace": one session deletes a key and has not committed yet, another inserts the same
     * key and waits for it. The key's history continues, and it is never both alive and dead.
     */
    @Test
    void anInsertWaitingForADeleteOfItsKeyContinuesTheKeysHistory() throws Exception {
        try (Connection deleter = pg.connect(); Connection inserter = pg.connect()) {
            exec(deleter, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            Bk alive = row(deleter, 1).orElseThrow();
            deleter.setAutoCommit(false);
            exec(deleter, "DELETE FROM " + table + " WHERE id = 1");
            CompletableFuture<Void> insert = CompletableFuture.runAsync(() -> {
                try {
                    exec(inserter, "SET statement_timeout = '20s'");
                    exec(inserter, "INSERT INTO " + table + " (id, name) VALUES (1, 'replaced')");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLockWait();
            deleter.commit();
            insert.get(30, TimeUnit.SECONDS);

            Bk replaced = row(deleter, 1).orElseThrow();
            assertThat(tombstone(deleter, 1)).as("alive, so not dead").isEmpty();
            assertThat(replaced.version).isEqualTo(alive.version + 2);
            assertThat(replaced.origin).isEqualTo(alive.origin);
        }
    }

    @Test
    void underRepeatableReadSuchAnInsertFailsAsASerializationFailure() throws Exception {
        try (Connection deleter = pg.connect(); Connection inserter = pg.connect()) {
            exec(deleter, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            deleter.setAutoCommit(false);
            inserter.setAutoCommit(false);
            inserter.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            exec(inserter, "SELECT count(*) FROM " + table);
            exec(deleter, "DELETE FROM " + table + " WHERE id = 1");
            CompletableFuture<Void> insert = CompletableFuture.runAsync(() -> {
                try {
                    exec(inserter, "INSERT INTO " + table + " (id, name) VALUES (1, 'replaced')");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLockWait();
            deleter.commit();
            assertThatThrownBy(() -> insert.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e.getCause().getCause()).getSQLState()).isEqualTo("40001"));
            inserter.rollback();
            assertThat(row(deleter, 1)).isEmpty();
            assertThat(tombstone(deleter, 1)).isPresent();
        }
    }

    @Test
    void truncateIsRefusedWithAMessageNamingTheTableUntilUninstall() throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
            assertThatThrownBy(() -> exec(c, "TRUNCATE " + table)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("TRUNCATE of replicated table " + table + " is refused by Dovetail:"
                            + " use DELETE so the deletes reach the other sites");
            assertThat(count(c, table)).isOne();

            TableShape shape = new Catalog(c, DIALECT).describe("app", table.substring(4), false);
            for (String sql : DIALECT.uninstallSql(shape)) {
                exec(c, sql);
            }
            exec(c, "TRUNCATE " + table);
            assertThat(count(c, table)).isZero();
        }
    }

    /**
     * A role that may write the table but is not the installing role cannot switch applying mode
     * on: not through the setting, not through dovetail.set_applying. Its writes are bookkept.
     */
    @Test
    void applyingModeCannotBeSwitchedOnByAnApplicationRole() throws SQLException {
        String role = "writer_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = pg.connect()) {
            exec(c, "INSERT INTO " + table + " (id, name) VALUES (1, 'one'), (2, 'two')");
            exec(c, "CREATE ROLE " + role + " LOGIN PASSWORD 'secret'");
            exec(c, "GRANT USAGE ON SCHEMA app TO " + role);
            exec(c, "GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + role);
            try (Connection writer = java.sql.DriverManager.getConnection(pg.url(), role, "secret")) {
                writer.setAutoCommit(false);
                for (String attempt : List.of("SELECT set_config('dovetail.applying', 'on', true)",
                        "SET LOCAL dovetail.applying = 'on'", "SET LOCAL dovetail.applying = ''")) {
                    exec(writer, attempt);
                    exec(writer, "UPDATE " + table + " SET name = 'forged', dv_version = 40, dv_site = 'laptop'"
                            + " WHERE id = 1");
                }
                exec(writer, "DELETE FROM " + table + " WHERE id = 2");
                exec(writer, "INSERT INTO " + table + " (id, name, dv_version, dv_origin) VALUES (3, 'x', 9, 'o')");
                writer.commit();
                for (String denied : List.of("SELECT dovetail.set_applying(true)",
                        "EXPLAIN VERBOSE SELECT dovetail.applying_token()")) {
                    assertThatThrownBy(() -> exec(writer, denied)).as(denied).hasMessageContaining("permission denied");
                    writer.rollback();
                }
                assertThatThrownBy(() -> exec(writer, "SELECT count(*) FROM dovetail.applying_secret"))
                        .hasMessageContaining("permission denied");
            }
            Bk one = row(c, 1).orElseThrow();
            assertThat(one.version).isEqualTo(2);
            assertThat(one.site).isEqualTo(SITE);
            assertThat(tombstone(c, 2).orElseThrow().version).isEqualTo(2);
            assertThat(row(c, 3).orElseThrow().version).isEqualTo(1);
            assertThat(row(c, 3).orElseThrow().origin).isNotEqualTo("o");
            exec(c, "DROP OWNED BY " + role + "; DROP ROLE " + role);
        }
    }

    // ---- fixture ----

    /** The bookkeeping of one row or tombstone. */
    record Bk(Long version, String origin, String site, OffsetDateTime changedAt, Long seq, String from, Long txid) {
    }

    private static void install(Connection c, TableShape shape) throws SQLException {
        PostgresTriggerTables.install(c, DIALECT.installSql(shape, SITE));
    }

    private Optional<Bk> row(Connection c, int id) throws SQLException {
        return bookkeeping(c, table, id);
    }

    private Optional<Bk> tombstone(Connection c, int id) throws SQLException {
        return bookkeeping(c, tomb, id);
    }

    private static Optional<Bk> bookkeeping(Connection c, String from, int id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT dv_version, dv_origin, dv_site, dv_changed_at, dv_seq,"
                + " dv_from, dv_txid FROM " + from + " WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Bk(rs.getObject(1, Long.class), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class), rs.getObject(5, Long.class), rs.getString(6),
                        rs.getObject(7, Long.class)));
            }
        }
    }

    private static Long version(Connection c, String from, int id) throws SQLException {
        return bookkeeping(c, from, id).orElseThrow().version;
    }

    private static long txid(Connection c) throws SQLException {
        return queryLong(c, "SELECT txid_current()");
    }

    private static long count(Connection c, String from) throws SQLException {
        return queryLong(c, "SELECT count(*) FROM " + from);
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until a session waits for a lock (the blocked UPDATE); asks from a connection of its own. */
    private static void awaitLockWait() throws SQLException, InterruptedException {
        try (Connection c = pg.connect()) {
            for (int i = 0; i < 400; i++) {
                if (queryLong(c, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND datname = current_database()") > 0) {
                    return;
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the second session never waited for the row lock");
    }

    static void exec(Connection c, String sql) throws SQLException {
        PostgresTriggerTables.exec(c, sql);
    }
}
