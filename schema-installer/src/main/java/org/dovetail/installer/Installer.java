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

    /** Installs (or re-installs after an upgrade) bookkeeping for the tables, none tracked per column. */
    public InstallResult install(List<TableName> tables) {
        return install(tables, java.util.Set.of());
    }

    /**
     * Installs (or re-installs after an upgrade) bookkeeping for the tables; those in
     * {@code trackColumns} ({@code merge: columns}) also keep which columns each change touched.
     */
    public InstallResult install(List<TableName> tables, java.util.Set<TableName> trackColumns) {
        long start = System.nanoTime();
        Dialect dialect = site.dialect();
        try (Connection connection = site.connect()) {
            SiteMetadata metadata = new SiteMetadata(connection, dialect);
            List<TableShape> shapes = new TableCheck(site, connection).checkAll(tables, metadata.exists());
            connection.rollback();
            InstallPlan plan = InstallPlan.of(site, connection, shapes, tracked(tables, shapes, trackColumns),
                    lockTimeout, lockAttempts);
            Running running = new Running(connection, metadata);
            plan.run(running);
            List<InstallResult.TableInstall> results = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                TableShape shape = shapes.get(i);
                results.add(new InstallResult.TableInstall(tables.get(i).toString(),
                        running.already.contains(shape.key()), running.backfilled.getOrDefault(shape.key(), 0L)));
            }
            return new InstallResult(site.name(), running.migrations, results,
                    plan.slot().map(Object::toString).orElse(null), plan.slottedSequences(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException | DataAccessException e) {
            throw DovetailException.failed("install at site '" + site.name() + "' failed: "
                    + site.dialect().failures().describe(e), e);
        }
    }

    /** Runs an {@link InstallPlan} on the install's connection, noting what each table's steps found. */
    private final class Running implements InstallPlan.Execution {
        private final Connection connection;
        private final SiteMetadata metadata;
        private final java.util.Set<String> already = new java.util.HashSet<>();
        private final java.util.Map<String, Long> backfilled = new java.util.HashMap<>();
        private int migrations;

        Running(Connection connection, SiteMetadata metadata) {
            this.connection = connection;
            this.metadata = metadata;
        }

        @Override
        public void migrate() throws SQLException {
            migrations = MetadataSchema.migrate(site);
            metadata.ensureIdentity(site.name());
            connection.commit();
        }

        @Override
        public void execute(List<String> statements) throws SQLException {
            Installer.execute(connection, statements);
            connection.commit();
        }

        @Override
        public void installTable(TableShape shape, List<String> statements) throws SQLException {
            if (metadata.isRegistered(shape)) {
                already.add(shape.key());
            }
            connection.commit();
            // registered with its triggers, atomically: the sync never sees one without the other
            inShortTransaction(connection, shape, statements, () -> metadata.register(shape));
        }

        @Override
        public void backfill(TableShape shape) throws SQLException {
            backfilled.put(shape.key(), new Backfill(connection, site.dialect()).run(shape, site.name()));
        }

        @Override
        public void build(IndexBuild index) throws SQLException {
            Installer.build(connection, index);
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

    /** The shapes of the tables in {@code trackColumns}, by table key. */
    private static java.util.Set<String> tracked(List<TableName> tables, List<TableShape> shapes,
                                                 java.util.Set<TableName> trackColumns) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 0; i < shapes.size(); i++) {
            if (trackColumns.contains(tables.get(i))) {
                keys.add(shapes.get(i).key());
            }
        }
        return keys;
    }

    /** The DDL install would run, for a DBA to read, without changing anything. */
    public String printSql(List<TableName> tables) {
        return printSql(tables, java.util.Set.of());
    }

    /** The DDL install would run with {@code trackColumns} tracked per column, changing nothing. */
    public String printSql(List<TableName> tables, java.util.Set<TableName> trackColumns) {
        Dialect dialect = site.dialect();
        try (Connection connection = site.connect()) {
            SiteMetadata metadata = new SiteMetadata(connection, dialect);
            List<TableShape> shapes = new TableCheck(site, connection).checkAll(tables, metadata.exists());
            connection.rollback();
            return InstallPlan.of(site, connection, shapes, tracked(tables, shapes, trackColumns), lockTimeout,
                    lockAttempts).print();
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
                    execute(connection, dialect.uninstallSql(connection, shape));
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

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
