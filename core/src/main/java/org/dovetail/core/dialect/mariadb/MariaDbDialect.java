package org.dovetail.core.dialect.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dovetail.core.DovetailException;
import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.capture.PairLock;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.dialect.Sequences;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.jooq.SQLDialect;

/**
 * MariaDB 10.6 and newer (tested: 10.11), by {@code jdbc:mariadb:} URLs, and {@code jdbc:mysql:}
 * URLs through the same driver: SQL triggers, a non-transactional SEQUENCE with registered
 * in-flight transactions for change numbers, a session secret for applying mode, GET_LOCK for
 * the pair. A site is one database; its metadata lives in the database {@code <database>_dovetail}
 * on the same server (docs/bookkeeping.md, "MariaDB").
 */
public final class MariaDbDialect implements Dialect {
    private static final String MARIADB = "jdbc:mariadb:";
    private static final String MYSQL = "jdbc:mysql:";

    private final String database;
    private final String meta;
    private final MariaDbChangeCapture capture;

    private MariaDbDialect(String database) {
        this.database = database;
        this.meta = MariaDbNames.metaDatabase(database);
        this.capture = new MariaDbChangeCapture(meta);
    }

    /** Whether the URL names a MariaDB (or MySQL) server. */
    public static boolean handles(String jdbcUrl) {
        return jdbcUrl.startsWith(MARIADB) || jdbcUrl.startsWith(MYSQL);
    }

    /** The dialect of the site whose URL names its database: {@code jdbc:mariadb://host:port/db?...}. */
    public static MariaDbDialect forUrl(String jdbcUrl) {
        String rest = jdbcUrl.substring(jdbcUrl.indexOf(':', 5) + 1);
        if (!rest.startsWith("//")) {
            throw DovetailException.usage("MariaDB URL '" + jdbcUrl + "' must be jdbc:mariadb://HOST[:PORT]/DATABASE");
        }
        int slash = rest.indexOf('/', 2);
        String db = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("[?;].*$", "");
        if (db.isEmpty()) {
            throw DovetailException.usage("MariaDB URL '" + jdbcUrl + "' names no database: a site is one database"
                    + " (jdbc:mariadb://HOST[:PORT]/DATABASE)");
        }
        return new MariaDbDialect(java.net.URLDecoder.decode(db, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public SQLDialect jooqDialect() {
        return SQLDialect.MARIADB;
    }

    /** Times with an offset are bound as such (the driver turns them into the session's UTC), not as text. */
    @Override
    public org.jooq.conf.Settings jooqSettings(org.jooq.conf.Settings shared) {
        return shared.withBindOffsetDateTimeType(true);
    }

    @Override
    public java.sql.Driver driver() {
        return new org.mariadb.jdbc.Driver();
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return handles(jdbcUrl);
    }

    /** Unquoted names keep their case (as MariaDB on Linux stores table names, lower_case_table_names=0). */
    @Override
    public String fold(String unquotedIdentifier) {
        return unquotedIdentifier;
    }

    /** A jdbc:mysql: URL gets the MariaDB driver's {@code permitMysqlScheme}, without which the driver declines it. */
    @Override
    public String driverUrl(String configuredUrl) {
        if (!configuredUrl.startsWith(MYSQL) || configuredUrl.contains("permitMysqlScheme")) {
            return configuredUrl;
        }
        return configuredUrl + (configuredUrl.contains("?") ? "&" : "?") + "permitMysqlScheme";
    }

    /** The session runs in UTC with utf8mb4, databases are reported as schemas, errors as SQL errors. */
    @Override
    public Map<String, String> connectionProperties() {
        return Map.of("useCatalogTerm", "SCHEMA", "timezone", "UTC", "connectTimeout", "10000",
                "sessionVariables", "sql_mode='" + SQL_MODE + "',innodb_lock_wait_timeout=50");
    }

    /**
     * Flyway's MariaDB support names databases as JDBC catalogs: with {@code useCatalogTerm=SCHEMA}
     * the driver would ignore the catalog Flyway asks about and find another site's history table.
     */
    @Override
    public Map<String, String> migrationConnectionProperties() {
        return Map.of("useCatalogTerm", "CATALOG");
    }

    /** Strict, standard quoting of strings; no ANSI_QUOTES (jOOQ quotes names with backticks). */
    static final String SQL_MODE = "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
            + "NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO";

    @Override
    public String metaSchema() {
        return meta;
    }

    /** The site's own database (the URL's). */
    public String database() {
        return database;
    }

    @Override
    public String migrationLocation() {
        return "classpath:org/dovetail/migration/mariadb";
    }

    @Override
    public String tombstoneName(String tableName) {
        return MariaDbNames.tombstone(tableName);
    }

    @Override
    public Optional<String> unsupportedReason(Column column) {
        return MariaDbTypes.unsupportedReason(column);
    }

    /**
     * Only InnoDB tables (transactions, foreign keys, the TRUNCATE guard), and no foreign key whose
     * action changes this table's rows: MariaDB fires no triggers for rows a cascade changes.
     */
    @Override
    public Optional<String> tableRefusal(Connection connection, TableShape table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT engine FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !"InnoDB".equalsIgnoreCase(rs.getString(1))) {
                    return Optional.of("uses the storage engine " + rs.getString(1) + "; only InnoDB tables can be"
                            + " replicated at a MariaDB site");
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT constraint_name, delete_rule, update_rule"
                + " FROM information_schema.referential_constraints WHERE constraint_schema = ? AND table_name = ?"
                + " AND (delete_rule IN ('CASCADE', 'SET NULL', 'SET DEFAULT')"
                + " OR update_rule IN ('CASCADE', 'SET NULL', 'SET DEFAULT')) ORDER BY constraint_name")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    boolean onDelete = !"RESTRICT".equals(rs.getString(2)) && !"NO ACTION".equals(rs.getString(2));
                    return Optional.of("has foreign key '" + rs.getString(1) + "' with ON "
                            + (onDelete ? "DELETE " + rs.getString(2) : "UPDATE " + rs.getString(3))
                            + ": MariaDB fires no triggers for rows a cascade changes (use RESTRICT or NO ACTION)");
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> installSiteSql() {
        return MariaDbScripts.site(meta);
    }

    /** Run one by one: MariaDB commits each DDL statement itself (install-table.sql says why the order is safe). */
    @Override
    public List<String> installSql(TableShape table, String siteName, boolean trackColumns) {
        return MariaDbScripts.install(table, meta, siteName, trackColumns);
    }

    @Override
    public List<String> uninstallSql(TableShape table) {
        return MariaDbScripts.uninstall(table, meta);
    }

    /** The metadata database, dropped last by uninstall. */
    @Override
    public List<String> dropMetadataSql() {
        return List.of("DROP DATABASE IF EXISTS " + MariaDbNames.quote(meta));
    }

    /** The metadata lock wait of DDL (ALTER TABLE waits for transactions using the table), whole seconds. */
    @Override
    public List<String> lockTimeoutSql(Duration timeout) {
        return List.of("SET SESSION lock_wait_timeout = " + Math.max(1, (timeout.toMillis() + 999) / 1000));
    }

    private static final org.dovetail.core.dialect.Failures FAILURES = new MariaDbFailures();

    /** Read by their error codes (MariaDB gives many errors one SQLSTATE); lines without statements. */
    @Override
    public org.dovetail.core.dialect.Failures failures() {
        return FAILURES;
    }

    /** UTC, as every time Dovetail keeps at a MariaDB site (DATETIME(6) has no offset). */
    @Override
    public org.jooq.Field<java.time.OffsetDateTime> currentTime() {
        return org.jooq.impl.DSL.field("UTC_TIMESTAMP(6)", java.time.OffsetDateTime.class);
    }

    @Override
    public String newOriginExpression() {
        return "UUID()";
    }

    @Override
    public ChangeCapture changeCapture() {
        return capture;
    }

    private static final Sequences SEQUENCES = new MariaDbSequences();

    @Override
    public Sequences sequences() {
        return SEQUENCES;
    }

    @Override
    public Optional<PairLock> tryLockPair(Connection connection, String pairKey) throws SQLException {
        return MariaDbPairLock.tryTake(connection, meta, pairKey);
    }

    /**
     * Puts the site's secret into the session variable {@code @dovetail_applying}, which the
     * triggers compare with the secret they read with their definer's rights; per session (like
     * H2), until set again. A role that cannot read the metadata database cannot turn it on.
     */
    @Override
    public void setApplying(Connection connection, boolean on) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(on ? "SET @dovetail_applying = (SELECT secret FROM " + MariaDbNames.qualified(meta, "applying_secret")
                    + " WHERE id = 1)" : "SET @dovetail_applying = NULL");
        }
    }

    @Override
    public java.util.OptionalLong estimatedRows(Connection connection, TableShape table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT table_rows FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return java.util.OptionalLong.of(rs.getLong(1));
                }
            }
        }
        return java.util.OptionalLong.empty();
    }

    @Override
    public org.jooq.Field<?> binaryOrder(org.jooq.Field<?> text) {
        return org.jooq.impl.DSL.field("CAST({0} AS BINARY)", Object.class, text);
    }
}
