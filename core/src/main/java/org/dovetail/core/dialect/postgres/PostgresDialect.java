package org.dovetail.core.dialect.postgres;

import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.dialect.Failures;
import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.dialect.BulkCopy;
import org.dovetail.core.dialect.IndexBuild;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.jooq.SQLDialect;

/** PostgreSQL 13 and newer: PL/pgSQL triggers, txid snapshots, advisory locks. */
public final class PostgresDialect implements Dialect {

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public SQLDialect jooqDialect() {
        return SQLDialect.POSTGRES;
    }

    @Override
    public java.sql.Driver driver() {
        return new org.postgresql.Driver();
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String fold(String unquotedIdentifier) {
        return unquotedIdentifier.toLowerCase(Locale.ROOT);
    }

    @Override
    public String migrationLocation() {
        return "classpath:org/dovetail/migration/postgres";
    }

    /** {@code dv_tomb_<table>}, cut and hashed to fit 63 bytes when the table's name is long. */
    @Override
    public String tombstoneName(String tableName) {
        return PostgresNames.tombstone(tableName);
    }

    @Override
    public Optional<String> unsupportedReason(Column column) {
        return PostgresType.of(column).isPresent() ? Optional.empty()
                : Optional.of(PostgresType.unsupportedReason(column));
    }

    /**
     * Statements to run in one transaction (so that re-creating the triggers leaves no gap).
     * Every column of the table must be supported ({@link #unsupportedReason}).
     */
    @Override
    public List<String> installSql(TableShape table, String siteName, boolean trackColumns) {
        return PostgresScripts.install(table, siteName, trackColumns);
    }

    /** Applying mode's secret token and the functions that read and set it (site-functions.sql). */
    @Override
    public List<String> installSiteSql() {
        return PostgresScripts.site();
    }

    /** The table's indexes on dv_seq and dv_txid, built CONCURRENTLY. */
    @Override
    public List<IndexBuild> installIndexes(TableShape table) {
        return PostgresScripts.indexes(table);
    }

    @Override
    public List<String> lockTimeoutSql(java.time.Duration timeout) {
        return List.of("SET LOCAL lock_timeout = '" + timeout.toMillis() + "ms'");
    }

    @Override
    public Optional<String> constraintTimingSql(boolean deferred) {
        return Optional.of(deferred ? "SET CONSTRAINTS ALL DEFERRED" : "SET CONSTRAINTS ALL IMMEDIATE");
    }

    private static final Failures FAILURES = new PostgresFailures();

    @Override
    public Failures failures() {
        return FAILURES;
    }

    @Override
    public List<String> uninstallSql(TableShape table) {
        return PostgresScripts.uninstall(table);
    }

    /** SQL's {@code OVERRIDING SYSTEM VALUE}. */
    @Override
    public Optional<String> identityOverride() {
        return Optional.of("overriding system value");
    }

    @Override
    public String newOriginExpression() {
        return "gen_random_uuid()::text";
    }

    /** Through dovetail.set_applying, which only the installing role may run (site-functions.sql). */
    @Override
    public void setApplying(Connection connection, boolean on) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT dovetail.set_applying(?)")) {
            s.setBoolean(1, on);
            s.execute();
        } catch (SQLException e) {
            if ("42883".equals(e.getSQLState())) { // undefined_function: installed by an older version
                throw new SQLException("Dovetail's applying mode is missing at this site: run dovetail install"
                        + " again after upgrading", "55000", e);
            }
            throw e;
        }
    }

    @Override
    public java.util.Map<String, String> connectionProperties() {
        // jit off: the sync's queries are index range scans; with stale statistics after a bulk load the
        // planner otherwise spends ~100 ms compiling an empty scan
        return java.util.Map.of("connectTimeout", "10", "loginTimeout", "20", "ApplicationName", "dovetail",
                "reWriteBatchedInserts", "true", "options", "-c jit=off");
    }

    @Override
    public org.dovetail.core.capture.ChangeCapture changeCapture() {
        return CAPTURE;
    }

    /** A session-level advisory lock: commits and rollbacks leave it held. */
    @Override
    public boolean pairLockSharesConnection() {
        return true;
    }

    @Override
    public Optional<org.dovetail.core.capture.PairLock> tryLockPair(Connection connection, String pairKey)
            throws SQLException {
        return PostgresPairLock.tryTake(connection, pairKey);
    }

    @Override
    public org.jooq.Field<Object> bindField(org.dovetail.core.row.ValueKind kind) {
        return switch (kind) {
            case JSON -> org.jooq.impl.DSL.field("CAST(? AS json)", Object.class);
            default -> Dialect.super.bindField(kind);
        };
    }

    private static final BulkCopy COPY = new PostgresCopy();

    @Override
    public Optional<BulkCopy> bulkCopy() {
        return Optional.of(COPY);
    }

    @Override
    public Optional<String> keyArrayType(org.dovetail.core.row.ValueKind kind) {
        return switch (kind) {
            case INTEGER -> Optional.of("int8");
            case TEXT -> Optional.of("text");
            case UUID -> Optional.of("uuid");
            default -> Optional.empty();
        };
    }

    @Override
    public org.jooq.Condition keyInArray(org.jooq.Field<Object> key, org.jooq.Field<Object> param,
                                         org.dovetail.core.row.ValueKind kind) {
        String type = keyArrayType(kind).orElseThrow();
        return org.jooq.impl.DSL.condition("{0} = ANY(CAST({1} AS " + type + "[]))", key, param);
    }

    @Override
    public org.jooq.Field<?> binaryOrder(org.jooq.Field<?> text) {
        return org.jooq.impl.DSL.field("{0} COLLATE \"C\"", Object.class, text);
    }

    private static final org.dovetail.core.capture.ChangeCapture CAPTURE = new PostgresChangeCapture();

    private static final Sequences SEQUENCES = new PostgresSequences();

    @Override
    public Sequences sequences() {
        return SEQUENCES;
    }

    /** pg_class.reltuples, kept by VACUUM and ANALYZE; empty before the table was first analyzed. */
    @Override
    public java.util.OptionalLong estimatedRows(Connection connection, TableShape table) throws SQLException {
        try (java.sql.PreparedStatement ps = connection.prepareStatement(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(quote_ident(?) || '.' || quote_ident(?))")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return java.util.OptionalLong.of(rs.getLong(1));
                }
            }
        }
        return java.util.OptionalLong.empty();
    }

    /**
     * hashtextextended (the 64-bit hash behind hash partitioning) of the row's text form, which
     * keeps NULL apart from '' and names every value exactly (a value's text is the same at every
     * PostgreSQL site the driver connects to: same time zone, same float digits). It adds little
     * to the cost of the text form itself; md5() and the casts that make a 64-bit number of it
     * made a digest of 1,000,000 rows take twice as long. The function is not
     * documented: a major version that hashed otherwise would make chunks differ, so verify would
     * compare their rows one by one, slower but still right.
     */
    @Override
    public Optional<org.jooq.Field<Long>> rowDigest(List<org.jooq.Field<?>> columns) {
        return Optional.of(org.jooq.impl.DSL.field("hashtextextended(ROW({0})::text, 0)", Long.class,
                org.jooq.impl.DSL.list(columns)));
    }

    /** Fresh statistics, so that "changed since" plans see the new dv_seq values at once. */
    @Override
    public List<String> afterBackfillSql(TableShape table) {
        return List.of("ANALYZE \"" + table.schema().replace("\"", "\"\"") + "\".\""
                + table.name().replace("\"", "\"\"") + "\"");
    }
}
