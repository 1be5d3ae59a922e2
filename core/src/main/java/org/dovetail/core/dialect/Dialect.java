package org.dovetail.core.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.dovetail.core.table.Bookkeeping;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.jooq.SQLDialect;

/**
 * Everything that differs between the databases Dovetail supports: trigger DDL, types,
 * case folding, "applying" session flags. Core code asks this interface, never the vendor.
 */
public interface Dialect {

    /** Short lower-case name, e.g. {@code postgres}. */
    String name();

    SQLDialect jooqDialect();

    /** jOOQ's settings for this database, given the ones every database shares. */
    default org.jooq.conf.Settings jooqSettings(org.jooq.conf.Settings shared) {
        return shared;
    }

    /**
     * This database's JDBC driver. Sites connect through it rather than {@code DriverManager}, whose
     * first use loads and initializes every driver in the jar (four, for a site that needs one).
     */
    java.sql.Driver driver();

    /** Whether this dialect handles the JDBC URL. */
    boolean accepts(String jdbcUrl);

    /** Folds an unquoted identifier as the database does ({@code items} is H2's {@code ITEMS}). */
    String fold(String unquotedIdentifier);

    /** The URL handed to the JDBC driver for the configured one (the same unless the driver needs more). */
    default String driverUrl(String configuredUrl) {
        return configuredUrl;
    }

    /** Extra JDBC connection properties (timeouts), never credentials. */
    default java.util.Map<String, String> connectionProperties() {
        return java.util.Map.of();
    }

    /** Connection properties of Flyway's connections, over {@link #connectionProperties()}. */
    default java.util.Map<String, String> migrationConnectionProperties() {
        return java.util.Map.of();
    }

    /** The schema holding Dovetail's metadata tables. */
    default String metaSchema() {
        return fold("dovetail");
    }

    /**
     * A metadata table by its lower-case name ({@code site}, {@code conflict}, ...): in
     * {@link #metaSchema()} unless the database has no schema of its own to give Dovetail
     * (SQLite: {@code main.dovetail_site}).
     */
    default org.jooq.Name metaTable(String lowerName) {
        return org.jooq.impl.DSL.name(metaSchema(), fold(lowerName));
    }

    /**
     * Whether the metadata tables live in a schema of the application's (SQLite: main), so that
     * Flyway finds it holding tables before the first migration.
     */
    default boolean metadataBesideApplication() {
        return false;
    }

    /**
     * Called first in a transaction that reads rows and then writes them (a sync batch), so that
     * the writes cannot fail for what another connection committed after the reads. Nothing by
     * default (row locks do that); SQLite, whose transaction that has read cannot write once
     * another connection committed, takes its one write lock here, waiting the busy timeout.
     */
    default void lockForWriting(Connection connection) throws SQLException {
    }

    /**
     * Whether {@code SELECT ... FOR UPDATE} locks rows; SQLite has no row locks (nor the clause):
     * the write lock {@link #lockForWriting} takes covers every row for the transaction.
     */
    default boolean locksRows() {
        return true;
    }

    /** The type of the metadata's moments ({@code detected_at}, {@code started_at}, ...). */
    default org.jooq.DataType<java.time.OffsetDateTime> metaTimestampType() {
        return org.jooq.impl.SQLDataType.TIMESTAMPWITHTIMEZONE;
    }


    /** The schema of a table whose JDBC metadata reports the given one (SQLite's driver reports none). */
    default String schemaOf(String reportedSchema) {
        return reportedSchema;
    }

    /**
     * The column as Dovetail must see it, from what JDBC metadata reports; the same column unless
     * the driver describes its types loosely (SQLite: the declared type decides).
     */
    default Column column(Column reported) {
        return reported;
    }

    /** Flyway location of the metadata migrations for this database. */
    String migrationLocation();

    default Bookkeeping bookkeeping() {
        return Bookkeeping.folded(this::fold);
    }

    /** The companion tombstone table's name for a table name as stored in the catalog. */
    default String tombstoneName(String tableName) {
        return fold("dv_tomb_") + tableName;
    }

    /**
     * Why the table cannot be replicated at this database although its columns can (its storage,
     * its foreign keys' actions), in words that follow "table 'x' at site 'y' "; empty when it can.
     */
    default Optional<String> tableRefusal(Connection connection, TableShape table) throws SQLException {
        return Optional.empty();
    }

    /** Empty when values of the column survive a trip through Dovetail, else why not. */
    Optional<String> unsupportedReason(Column column);

    /**
     * Statements install runs once per site after migrating the metadata schema and before any
     * table (idempotent): what the triggers of every table share, e.g. applying mode's functions.
     */
    default List<String> installSiteSql() {
        return List.of();
    }

    /**
     * The statements that install (or re-install, idempotently) bookkeeping columns,
     * tombstone table and triggers for one table at a site named {@code siteName}, in one
     * transaction; on H2 also the index on the seq column (see {@link #installIndexes}).
     * With {@code trackColumns} (the table's {@code merge: columns}) also the column {@code dv_cols}
     * and triggers that keep it; without, {@code dv_cols} is dropped if the table has it
     * (docs/bookkeeping.md, "Column changes"). The metadata schema already exists when they run.
     */
    List<String> installSql(TableShape table, String siteName, boolean trackColumns);

    /** {@link #installSql(TableShape, String, boolean)} without column tracking. */
    default List<String> installSql(TableShape table, String siteName) {
        return installSql(table, siteName, false);
    }

    /**
     * {@link #installSql(TableShape, String, boolean)} for the table as it is now at the connection's
     * database: where the database has no conditional DDL for columns (SQLite), only what is missing.
     */
    default List<String> installSql(Connection connection, TableShape table, String siteName, boolean trackColumns)
            throws SQLException {
        return installSql(table, siteName, trackColumns);
    }

    /** {@link #installSql(Connection, TableShape, String, boolean)} without column tracking. */
    default List<String> installSql(Connection connection, TableShape table, String siteName) throws SQLException {
        return installSql(connection, table, siteName, false);
    }

    /**
     * Indexes on the table that install builds after its backfill, each without blocking the
     * application's writes; empty when {@link #installSql} creates them.
     */
    default List<IndexBuild> installIndexes(TableShape table) {
        return List.of();
    }

    /**
     * Statements opening an install transaction so that it waits at most {@code timeout} for a
     * lock, rather than queue in front of the application's writes; empty when the database
     * has no such setting.
     */
    default List<String> lockTimeoutSql(java.time.Duration timeout) {
        return List.of();
    }

    /** What the database's errors mean to the sync and the installer (see {@link Failures}). */
    default Failures failures() {
        return Failures.STANDARD;
    }

    /**
     * The statement that makes the current transaction check its deferrable constraints at
     * commit ({@code deferred}) or at once; empty when the database has no deferrable constraints.
     */
    default Optional<String> constraintTimingSql(boolean deferred) {
        return Optional.empty();
    }

    /** The statements that remove everything {@link #installSql} added, leaving the table as before. */
    List<String> uninstallSql(TableShape table);

    /** {@link #uninstallSql(TableShape)} for the table as it is now at the connection's database. */
    default List<String> uninstallSql(Connection connection, TableShape table) throws SQLException {
        return uninstallSql(table);
    }

    /** Statements run after a table's backfill (statistics), outside any transaction. */
    default List<String> afterBackfillSql(TableShape table) {
        return List.of();
    }

    /** The statements that drop the metadata schema with everything in it (uninstall's last step). */
    default List<String> dropMetadataSql() {
        return List.of("DROP SCHEMA IF EXISTS \"" + metaSchema().replace("\"", "\"\"") + "\" CASCADE");
    }

    /** The database's current time as a time with offset (the backfill's dv_changed_at). */
    default org.jooq.Field<java.time.OffsetDateTime> currentTime() {
        return org.jooq.impl.DSL.currentOffsetDateTime();
    }

    /** An SQL expression for a new random origin id (a UUID as text). */
    String newOriginExpression();

    /** Change detection and read points for the sync (see {@link org.dovetail.core.capture.ChangeCapture}). */
    default org.dovetail.core.capture.ChangeCapture changeCapture() {
        throw new UnsupportedOperationException("change capture for " + name());
    }

    /** The generators feeding tables' columns, and moving them (see {@link Sequences}). */
    default Sequences sequences() {
        throw new UnsupportedOperationException("sequences for " + name());
    }

    /**
     * Tries to take the lock of a pair at this site on a connection used for nothing else;
     * empty when another process holds it. The lock dies with the connection.
     */
    default java.util.Optional<org.dovetail.core.capture.PairLock> tryLockPair(Connection connection, String pairKey)
            throws SQLException {
        throw new UnsupportedOperationException("pair lock for " + name());
    }

    /** The bind expression for a value of the kind ({@code ?} unless the database needs a cast). */
    default org.jooq.Field<Object> bindField(org.dovetail.core.row.ValueKind kind) {
        return org.jooq.impl.DSL.field("?", Object.class);
    }

    /**
     * The planner's estimate of a table's rows, when the database keeps one that is cheap to
     * read (empty: count exactly).
     */
    default java.util.OptionalLong estimatedRows(Connection connection, TableShape table) throws SQLException {
        return java.util.OptionalLong.empty();
    }

    /**
     * An aggregate that digests the rows of a chunk (their columns in key order) inside
     * the database, comparable with the same dialect's digest at another site; empty when
     * the database cannot do it cheaply (verify then compares those rows one by one).
     */
    default java.util.Optional<org.jooq.Field<String>> chunkDigest(List<org.jooq.Field<?>> columns,
                                                                 List<org.jooq.SortField<?>> keyOrder) {
        return java.util.Optional.empty();
    }

    /** The expression ordering text by code point, the same at every site (for verify's merge). */
    default org.jooq.Field<?> binaryOrder(org.jooq.Field<?> text) {
        return text;
    }

    /**
     * The clause between an INSERT's column list and its rows that lets it write values into
     * identity columns declared {@code GENERATED ALWAYS} (the key a row was given where it was
     * inserted is its key everywhere); empty when the database needs none.
     */
    default Optional<String> identityOverride() {
        return Optional.empty();
    }

    /** The database's bulk load path, when it has one worth using over batched statements. */
    default Optional<BulkCopy> bulkCopy() {
        return Optional.empty();
    }

    /**
     * The SQL array element type that carries keys of the kind in one parameter
     * ({@code key = ANY(?)}); empty when keys are bound one by one.
     */
    default Optional<String> keyArrayType(org.dovetail.core.row.ValueKind kind) {
        return Optional.empty();
    }

    /**
     * The most keys one look-up statement may name when they are bound one by one (the batch's
     * keys are then looked up in chunks of this size); unlimited unless the database limits it.
     */
    default int maxKeysPerLookup() {
        return Integer.MAX_VALUE;
    }

    /**
     * The condition that a key is one of the array bound to {@code param} (only called for kinds
     * that {@link #keyArrayType} carries).
     */
    default org.jooq.Condition keyInArray(org.jooq.Field<Object> key, org.jooq.Field<Object> param,
                                          org.dovetail.core.row.ValueKind kind) {
        throw new UnsupportedOperationException("keys as arrays on " + name());
    }

    /**
     * Turns "applying" mode on or off for the connection's current transaction: the
     * triggers then keep the incoming version, origin, site and change time. Only the
     * installing role can turn it on (docs/bookkeeping.md, "Applying mode").
     */
    void setApplying(Connection connection, boolean on) throws SQLException;
}
