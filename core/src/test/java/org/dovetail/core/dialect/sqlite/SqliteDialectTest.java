package org.dovetail.core.dialect.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.dovetail.core.DovetailException;
import org.dovetail.core.capture.PairLock;
import org.dovetail.core.config.KeySlot;
import org.dovetail.core.dialect.Dialects;
import org.dovetail.core.dialect.SequenceFeed;
import org.dovetail.core.row.ValueKind;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite dialect's own decisions: URL, declared types, the pair lock, key slots, the file it opens. */
class SqliteDialectTest {
    private final SqliteDialect dialect = new SqliteDialect();

    @TempDir
    Path dir;

    private static Column declared(String type) {
        return new Column("c", Types.VARCHAR, type, 0, 0, true);
    }

    private ValueKind kind(String declaredType) {
        return ValueKind.of(dialect.column(declared(declaredType)));
    }

    @Test
    void sqliteUrlsSelectTheDialect() {
        assertThat(Dialects.forUrl("jdbc:sqlite:/tmp/x.db")).isInstanceOf(SqliteDialect.class);
    }

    @Test
    void declaredTypesGiveTheKindsTheReadmeLists() {
        assertThat(List.of("INTEGER", "INT", "BIGINT", "SMALLINT")).allMatch(t -> kind(t) == ValueKind.INTEGER);
        assertThat(List.of("REAL", "DOUBLE", "DOUBLE PRECISION", "FLOAT")).allMatch(t -> kind(t) == ValueKind.FLOAT);
        assertThat(List.of("TEXT", "VARCHAR(20)", "CHAR(3)", "CLOB", "NVARCHAR(5)")).allMatch(t -> kind(t) == ValueKind.TEXT);
        assertThat(kind("DECIMAL TEXT")).isEqualTo(ValueKind.DECIMAL);
        assertThat(kind("BOOLEAN")).isEqualTo(ValueKind.BOOLEAN);
        assertThat(kind("BLOB")).isEqualTo(ValueKind.BINARY);
        assertThat(kind("DATE")).isEqualTo(ValueKind.DATE);
        assertThat(kind("TIME")).isEqualTo(ValueKind.TIME);
        assertThat(kind("TIMESTAMP")).isEqualTo(ValueKind.TIMESTAMP);
        assertThat(kind("DATETIME")).isEqualTo(ValueKind.TIMESTAMP);
        assertThat(kind("TIMESTAMPTZ")).isEqualTo(ValueKind.TIMESTAMPTZ);
        assertThat(kind("TIMESTAMP WITH TIME ZONE")).isEqualTo(ValueKind.TIMESTAMPTZ);
        assertThat(kind("UUID")).isEqualTo(ValueKind.UUID);
        assertThat(kind("JSON")).isEqualTo(ValueKind.JSON);
        assertThat(dialect.unsupportedReason(dialect.column(declared("DECIMAL TEXT")))).isEmpty();
    }

    @Test
    void typesWhoseValuesSqliteWouldChangeAreRefusedWithTheReason() {
        assertThat(dialect.unsupportedReason(declared("NUMERIC"))).get().asString()
                .startsWith("unsupported type 'NUMERIC' (SQLite keeps such values as 8-byte floating point")
                .contains("DECIMAL TEXT");
        assertThat(dialect.unsupportedReason(declared(""))).get().asString().startsWith("no declared type");
        assertThat(dialect.unsupportedReason(declared("GEOMETRY"))).contains("unsupported type 'GEOMETRY'");
    }

    @Test
    void aMissingFileIsNotCreated() {
        Path gone = dir.resolve("gone.db");
        Properties props = new Properties();
        props.putAll(dialect.connectionProperties());
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:sqlite:" + gone, props))
                .isInstanceOf(SQLException.class).hasMessageContaining("SQLITE_CANTOPEN");
        assertThat(Files.exists(gone)).isFalse();
    }

    @Test
    void thePairLockIsHeldOncePerPairAndFreedOnClose() throws Exception {
        Path file = dir.resolve("site.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Connection d = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            d.setAutoCommit(false);
            Optional<PairLock> first = dialect.tryLockPair(c, "a|b");
            assertThat(first).isPresent();
            assertThat(dialect.tryLockPair(d, "a|b")).as("the same pair").isEmpty();
            Optional<PairLock> other = dialect.tryLockPair(d, "a|c");
            assertThat(other).as("another pair").isPresent();
            first.get().close();
            other.get().close();
            Optional<PairLock> again = dialect.tryLockPair(d, "a|b");
            assertThat(again).isPresent();
            again.get().close();
            assertThat(dir.resolve("site.db" + SqlitePairLock.SUFFIX)).exists();
        }
    }

    @Test
    void keySlotsAreRefusedWithAUsageError() {
        SequenceFeed feed = SequenceFeed.identity("main", "items", "id");
        assertThatThrownBy(() -> dialect.sequences().restartSql(feed, new KeySlot(10, 1), 11))
                .isInstanceOf(DovetailException.class).hasMessageContaining("cannot be honoured at a SQLite site");
    }

    @Test
    void integerPrimaryKeyFollowsTheLargestKey() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("seq.db"))) {
            c.createStatement().execute("CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)");
            c.createStatement().execute("INSERT INTO items (id, name) VALUES (41, 'received')");
            TableShape items = new TableShape("main", "items", List.of(new Column("id", Types.BIGINT, "INTEGER", 0, 0, false),
                    new Column("name", Types.VARCHAR, "TEXT", 0, 0, true)), List.of("id"));
            List<SequenceFeed> feeds = dialect.sequences().feeds(c, items);
            assertThat(feeds).hasSize(1);
            assertThat(dialect.sequences().state(c, feeds.get(0)).next()).isEqualTo(42);
            c.createStatement().execute("INSERT INTO items (name) VALUES ('local')");
            assertThat(c.createStatement().executeQuery("SELECT max(id) FROM items").getLong(1)).isEqualTo(42);
        }
    }
}
