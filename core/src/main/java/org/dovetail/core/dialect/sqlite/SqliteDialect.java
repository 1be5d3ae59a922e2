package org.dovetail.core.dialect.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.capture.PairLock;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.dialect.Failures;
import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.jooq.Name;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * SQLite 3 files ({@code jdbc:sqlite:PATH}): SQL triggers, a change counter row, applying mode
 * as a row only the sync's own write transaction holds, a file lock per pair, metadata as
 * {@code dovetail_} tables in the same file (docs/bookkeeping.md, "SQLite").
 */
public final class SqliteDialect implements Dialect {
    /** SQLite's one schema per file: the application's tables and Dovetail's metadata are in it. */
    static final String MAIN = "main";
    /** Dovetail's metadata tables are {@code main.dovetail_<name>}. */
    static final String META_PREFIX = "dovetail_";
    static final String TOMB_PREFIX = "dv_tomb_";
    /** How long a write waits for another connection's write transaction (SQLite's busy timeout). */
    static final int BUSY_TIMEOUT_MS = 30_000;

    private static final ChangeCapture CAPTURE = new SqliteChangeCapture();
    private static final Sequences SEQUENCES = new SqliteSequences();

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public SQLDialect jooqDialect() {
        return SQLDialect.SQLITE;
    }

    @Override
    public java.sql.Driver driver() {
        return new org.sqlite.JDBC();
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }

    /**
     * SQLite has no row-value IN list: jOOQ writes {@code key IN (...)} as one {@code OR} per key,
     * and SQLite refuses an expression nested deeper than 1,000 ("Expression tree is too large").
     */
    @Override
    public int maxKeysPerLookup() {
        return 500;
    }

    /** SQLite keeps names as they were created (and matches them without regard to ASCII case). */
    @Override
    public String fold(String unquotedIdentifier) {
        return unquotedIdentifier;
    }

    @Override
    public String metaSchema() {
        return MAIN;
    }

    @Override
    public Name metaTable(String lowerName) {
        return DSL.name(MAIN, META_PREFIX + lowerName);
    }

    @Override
    public boolean metadataBesideApplication() {
        return true;
    }

    /** The tables the metadata migrations create (and Flyway's history), dropped by uninstall. */
    @Override
    public List<String> dropMetadataSql() {
        return List.of("DROP TABLE IF EXISTS " + quote(META_PREFIX + "site"),
                "DROP TABLE IF EXISTS " + quote(META_PREFIX + "replicated_table"),
                "DROP TABLE IF EXISTS " + quote(META_PREFIX + "peer_mark"),
                "DROP TABLE IF EXISTS " + quote(META_PREFIX + "sent_mark"),
                "DROP TABLE IF EXISTS " + quote(META_PREFIX + "sync_run"),
                "DROP TABLE IF EXISTS " + quote(META_PREFIX + "conflict"),
                "DROP TABLE IF EXISTS " + quote(META_PREFIX + "install_column"),
                "DROP TABLE IF EXISTS " + quote(META_PREFIX + "change_seq"),
                "DROP TABLE IF EXISTS " + quote(META_PREFIX + "applying"),
                "DROP TABLE IF EXISTS " + quote("dv_schema_history"));
    }

    /**
     * ISO-8601 text in UTC with microseconds, one width for all, so that text order is time order
     * (SQLite has no time type, and its driver hands such text back unconverted).
     */
    @Override
    public org.jooq.DataType<java.time.OffsetDateTime> metaTimestampType() {
        return org.jooq.impl.SQLDataType.VARCHAR.asConvertedDataType(org.jooq.Converter.ofNullable(String.class,
                java.time.OffsetDateTime.class, java.time.OffsetDateTime::parse,
                t -> MOMENT.format(t.withOffsetSameInstant(java.time.ZoneOffset.UTC))));
    }

    private static final java.time.format.DateTimeFormatter MOMENT =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    /** sqlite-jdbc reports no schema: everything is in main. */
    @Override
    public String schemaOf(String reportedSchema) {
        return reportedSchema == null || reportedSchema.isEmpty() ? MAIN : reportedSchema;
    }

    @Override
    public Column column(Column reported) {
        return SqliteTypes.described(reported);
    }

    @Override
    public String migrationLocation() {
        return "classpath:org/dovetail/migration/sqlite";
    }

    @Override
    public Optional<String> unsupportedReason(Column column) {
        return SqliteTypes.unsupportedReason(column);
    }

    /** A sync that died in applying mode rolled back with it; clearing is a safety net for anything else. */
    @Override
    public List<String> installSiteSql() {
        return List.of("DELETE FROM " + quote(META_PREFIX + "applying"));
    }

    @Override
    public List<String> installSql(TableShape table, String siteName, boolean trackColumns) {
        return SqliteScripts.install(table, trackColumns);
    }

    /** SQLite has no ADD COLUMN IF NOT EXISTS: the columns the table has are left out. */
    @Override
    public List<String> installSql(Connection connection, TableShape table, String siteName, boolean trackColumns)
            throws SQLException {
        return SqliteScripts.install(connection, table, trackColumns);
    }

    @Override
    public List<String> uninstallSql(TableShape table) {
        return SqliteScripts.uninstall(table);
    }

    @Override
    public List<String> uninstallSql(Connection connection, TableShape table) throws SQLException {
        return SqliteScripts.uninstall(connection, table);
    }

    /** ISO-8601 text in UTC, as the triggers write it (jOOQ would render SQLite's own format). */
    @Override
    public org.jooq.Field<java.time.OffsetDateTime> currentTime() {
        return DSL.field(SqliteScripts.NOW, java.time.OffsetDateTime.class);
    }

    @Override
    public String newOriginExpression() {
        return SqliteScripts.NEW_ORIGIN;
    }

    /**
     * A row in {@code dovetail_applying}, written in the connection's transaction (which takes
     * SQLite's write lock, so no other connection writes, or sees the row, until it ends) and
     * deleted again before the sync commits; a crash rolls it back with the rest.
     */
    @Override
    public void setApplying(Connection connection, boolean on) throws SQLException {
        String sql = on ? "INSERT OR REPLACE INTO " + quote(META_PREFIX + "applying") + " (id, holder) VALUES (1, ?)"
                : "DELETE FROM " + quote(META_PREFIX + "applying");
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (on) {
                ps.setString(1, java.lang.management.ManagementFactory.getRuntimeMXBean().getName());
            }
            ps.executeUpdate();
        }
    }

    @Override
    public boolean locksRows() {
        return false;
    }

    /** A statement that writes nothing still takes SQLite's write lock for the transaction. */
    @Override
    public void lockForWriting(Connection connection) throws SQLException {
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute("UPDATE " + quote(META_PREFIX + "change_seq") + " SET value = value WHERE 0"); // writes nothing
        }
    }

    /**
     * Only an existing file is opened (never a new empty one for a mistyped path); WAL, so that
     * readers and one writer do not block each other; a busy timeout, so that a write waits for
     * another connection's write transaction instead of failing; foreign keys enforced as the
     * application declared them.
     */
    @Override
    public Map<String, String> connectionProperties() {
        return Map.of("open_mode", Integer.toString(org.sqlite.SQLiteOpenMode.READWRITE.flag),
                "journal_mode", "WAL",
                "busy_timeout", Integer.toString(BUSY_TIMEOUT_MS),
                "foreign_keys", "true");
    }

    @Override
    public ChangeCapture changeCapture() {
        return CAPTURE;
    }

    @Override
    public Sequences sequences() {
        return SEQUENCES;
    }

    @Override
    public Optional<PairLock> tryLockPair(Connection connection, String pairKey) throws SQLException {
        return SqlitePairLock.tryTake(connection, pairKey);
    }

    private static final Failures FAILURES = new SqliteFailures();

    @Override
    public Failures failures() {
        return FAILURES;
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
