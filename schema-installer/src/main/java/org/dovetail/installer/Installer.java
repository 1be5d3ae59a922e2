package org.dovetail.installer;

import org.dovetail.core.site.SiteMetadata;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.DovetailException;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.dialect.IndexBuild;
import org.dovetail.core.site.Site;
import org.dovetail.core.site.SiteIdentity;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.core.table.TableName;
import org.dovetail.core.table.TableShape;
import org.jooq.exception.DataAccessException;

/**
 * {@code dovetail install}, {@code install --print-sql} and {@code uninstall} for one site:
 * checks every table first, then migrates the metadata schema and, table by table, installs
 * bookkeeping and triggers, backfills existing rows and builds the indexes.
 *
 * <p>No step blocks the application's writes for more than a moment: the DDL is one short
 * transaction (the columns are catalog-only) that waits at most {@link #LOCK_TIMEOUT} for its
 * locks, so that it never queues long in front of the application's writes, and is retried with
 * back-off; the backfill takes row locks for one short batch at a time; the indexes on the
 * application's table are built without blocking writes ({@link Dialect#installIndexes}).
 * Every step is safe to run again, so an install interrupted anywhere is completed by the next.
 */
public final class Installer {
    /** How long one attempt of an install transaction waits for a lock. */
    public static final Duration LOCK_TIMEOUT = Duration.ofMillis(500);
    /** How many times it is tried, with back-off in between, before install gives up. */
    public static final int LOCK_ATTEMPTS = 8;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

    private final Site site;
    private final Duration lockTimeout;
    private final int lockAttempts;

    public Installer(Site site) {
        this(site, LOCK_TIMEOUT, LOCK_ATTEMPTS);
    }

    /** With another lock timeout and number of attempts (tests). */
    public Installer(Site site, Duration lockTimeout, int lockAttempts) {
        this.site = site;
        this.lockTimeout = lockTimeout;
        this.lockAttempts = lockAttempts;
    }

    /** Installs (or re-installs after an upgrade) bookkeeping for the tables. */
    public InstallResult install(List<TableName> tables) {
        long start = System.nanoTime();
        Dialect dialect = site.dialect();
        try (Connection connection = site.connect()) {
            SiteMetadata metadata = new SiteMetadata(connection, dialect);
            List<TableShape> shapes = new TableCheck(site, connection).checkAll(tables, metadata.exists());
            connection.rollback();
            int migrations = MetadataSchema.migrate(site);
            SiteIdentity identity = metadata.ensureIdentity(site.name());
            execute(connection, dialect.installSiteSql());
            connection.commit();
            List<InstallResult.TableInstall> results = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                TableShape shape = shapes.get(i);
                boolean already = metadata.isRegistered(shape);
                connection.commit();
                // registered with its triggers, atomically: the sync never sees one without the other
                inShortTransaction(connection, shape, dialect.installSql(shape, identity.name()),
                        () -> metadata.register(shape));
                long backfilled = new Backfill(connection, dialect).run(shape, identity.name());
                // after the backfill: one sorted build each instead of an index entry per backfilled row
                for (IndexBuild index : dialect.installIndexes(shape)) {
                    build(connection, index);
                }
                execute(connection, dialect.afterBackfillSql(shape));
                connection.commit();
                results.add(new InstallResult.TableInstall(tables.get(i).toString(), already, backfilled));
            }
            SequenceSlots slots = new SequenceSlots(connection, dialect, site.config().slot());
            List<String> slotSql = slots.statements(shapes);
            execute(connection, slotSql);
            connection.commit();
            return new InstallResult(site.name(), migrations, results, slots.slot().map(Object::toString).orElse(null),
                    slotSql.size(), Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException | DataAccessException e) {
            throw DovetailException.failed("install at site '" + site.name() + "' failed: " + SqlErrors.describe(e), e);
        }
    }

    /**
     * Runs the statements and then {@code also} in one transaction that waits at most the lock
     * timeout for each lock; when a lock is not granted in time (an application transaction
     * holds a conflicting one), rolls back, waits and tries again, up to the number of attempts.
     */
    private void inShortTransaction(Connection connection, TableShape shape, List<String> statements, Runnable also)
            throws SQLException {
        Dialect dialect = site.dialect();
        long started = System.nanoTime();
        Duration backoff = lockTimeout;
        for (int attempt = 1; ; attempt++) {
            try {
                execute(connection, dialect.lockTimeoutSql(lockTimeout));
                execute(connection, statements);
                also.run();
                connection.commit();
                return;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                boolean timedOut = dialect.failures().lockTimeout(e);
                if (!timedOut) {
                    throw e;
                }
                if (attempt >= lockAttempts) {
                    throw DovetailException.failed("install at site '" + site.name() + "' failed: table '"
                            + shape.key() + "' stayed locked by other transactions (" + attempt + " tries of "
                            + lockTimeout.toMillis() + " ms each over " + seconds(System.nanoTime() - started)
                            + " s); it is unchanged, run install again when they are done", e);
                }
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /**
     * Builds an index outside a transaction, unless it exists and is valid; one left invalid by
     * an interrupted build is dropped first.
     */
    private static void build(Connection connection, IndexBuild index) throws SQLException {
        Boolean valid;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(index.validQuery())) {
            valid = rs.next() ? rs.getBoolean(1) : null;
        }
        connection.commit();
        if (Boolean.TRUE.equals(valid)) {
            return;
        }
        connection.setAutoCommit(true);
        try {
            if (valid != null) {
                execute(connection, List.of(index.drop()));
            }
            execute(connection, List.of(index.create()));
        } finally {
            connection.setAutoCommit(false);
        }
    }

    /** Rolls back after a failure; when that fails too (a lost connection), the failure says the cause. */
    static void rollback(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static String seconds(long nanos) {
        return String.valueOf(Math.round(nanos / 1e9));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("install interrupted", e);
        }
    }

    /** The DDL install would run, for a DBA to read, without changing anything. */
    public String printSql(List<TableName> tables) {
        Dialect dialect = site.dialect();
        StringBuilder out = new StringBuilder();
        try (Connection connection = site.connect()) {
            SiteMetadata metadata = new SiteMetadata(connection, dialect);
            List<TableShape> shapes = new TableCheck(site, connection).checkAll(tables, metadata.exists());
            connection.rollback();
            out.append("-- Dovetail metadata schema ").append(dialect.metaSchema())
                    .append(" (applied by Flyway, history table ").append(dialect.metaSchema()).append('.')
                    .append(dialect.fold(MetadataSchema.HISTORY_TABLE)).append(")\n");
            for (String migration : MetadataSchema.pendingScripts(site)) {
                out.append(migration).append('\n');
            }
            List<String> siteSql = dialect.installSiteSql();
            if (!siteSql.isEmpty()) {
                out.append("\n-- shared by the triggers of every table\n");
                siteSql.forEach(statement -> appendStatement(out, statement));
            }
            for (TableShape shape : shapes) {
                out.append("\n-- table ").append(shape.key()).append('\n');
                List<String> lockTimeoutSql = dialect.lockTimeoutSql(lockTimeout);
                out.append("-- in one transaction");
                if (!lockTimeoutSql.isEmpty()) {
                    out.append(", which waits at most ").append(lockTimeout.toMillis()).append(" ms for a lock")
                            .append(" and is tried up to ").append(lockAttempts).append(" times");
                }
                out.append("; install also records the table and its columns in ").append(dialect.metaSchema())
                        .append('.').append(dialect.fold("replicated_table")).append(" and ").append(dialect.metaSchema())
                        .append('.').append(dialect.fold("install_column")).append(" in it\n");
                out.append("BEGIN;\n");
                for (String statement : lockTimeoutSql) {
                    appendStatement(out, statement);
                }
                for (String statement : dialect.installSql(shape, site.name())) {
                    appendStatement(out, statement);
                }
                out.append("COMMIT;\n");
                out.append("-- then existing rows get dv_version 1, a new dv_origin and a dv_seq, in primary-key")
                        .append(" ranges of ").append(Backfill.BATCH).append(" rows per transaction\n");
                List<IndexBuild> indexes = dialect.installIndexes(shape);
                if (!indexes.isEmpty()) {
                    out.append("-- then the indexes, each statement outside a transaction; an index left invalid by an")
                            .append(" interrupted install (pg_index.indisvalid false) is dropped first\n");
                }
                for (IndexBuild index : indexes) {
                    out.append("-- (if invalid: ").append(index.drop()).append(";)\n");
                    appendStatement(out, index.create());
                }
                for (String statement : dialect.afterBackfillSql(shape)) {
                    appendStatement(out, statement);
                }
            }
            SequenceSlots slots = new SequenceSlots(connection, dialect, site.config().slot());
            List<String> slotSql = slots.statements(shapes);
            connection.rollback();
            if (slots.slot().isPresent()) {
                out.append("\n-- then the sequences feeding replicated columns hand out only ").append(slots.slot().get())
                        .append(" (keys.step, sites.").append(site.name()).append(".slot), from above their columns'")
                        .append(" largest values").append(slotSql.isEmpty() ? ": all of them do already" : "")
                        .append('\n');
            }
            for (String statement : slotSql) {
                appendStatement(out, statement);
            }
            return out.toString();
        } catch (SQLException e) {
            throw DovetailException.failed("reading site '" + site.name() + "' failed: " + SqlErrors.describe(e), e);
        }
    }

    /** Removes triggers, bookkeeping columns, tombstone tables and the metadata schema. */
    public UninstallResult uninstall() {
        Dialect dialect = site.dialect();
        try (Connection connection = site.connect()) {
            SiteMetadata metadata = new SiteMetadata(connection, dialect);
            if (!metadata.exists()) {
                return new UninstallResult(site.name(), List.of(), false);
            }
            List<String> removed = new ArrayList<>();
            org.dovetail.core.table.Catalog catalog = new org.dovetail.core.table.Catalog(connection, dialect);
            for (SiteMetadata.RegisteredTable table : metadata.tables()) {
                if (catalog.exists(table.schema(), table.name())) {
                    TableShape shape = catalog.describe(table.schema(), table.name(), false);
                    execute(connection, dialect.uninstallSql(shape));
                    connection.commit();
                }
                removed.add(table.schema() + "." + table.name());
            }
            execute(connection, dialect.dropMetadataSql());
            connection.commit();
            return new UninstallResult(site.name(), removed, true);
        } catch (SQLException e) {
            throw DovetailException.failed("uninstall at site '" + site.name() + "' failed: "
                    + SqlErrors.describe(e), e);
        }
    }

    private static void appendStatement(StringBuilder out, String statement) {
        out.append(statement.strip()).append(statement.strip().endsWith(";") ? "\n" : ";\n");
    }

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
