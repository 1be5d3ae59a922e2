package org.dovetail.installer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.DovetailException;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Site;
import org.dovetail.core.site.SiteIdentity;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.core.table.TableName;
import org.dovetail.core.table.TableShape;

/**
 * {@code dovetail install}, {@code install --print-sql} and {@code uninstall} for one site:
 * checks every table first, then migrates the metadata schema, installs bookkeeping and
 * triggers, and backfills existing rows.
 */
public final class Installer {
    private final Site site;

    public Installer(Site site) {
        this.site = site;
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
            connection.commit();
            List<InstallResult.TableInstall> results = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                TableShape shape = shapes.get(i);
                boolean already = metadata.isRegistered(shape);
                execute(connection, dialect.installSql(shape, identity.name()));
                metadata.register(shape);
                connection.commit();
                long backfilled = new Backfill(connection, dialect).run(shape, identity.name());
                execute(connection, dialect.afterBackfillSql(shape));
                connection.commit();
                results.add(new InstallResult.TableInstall(tables.get(i).toString(), already, backfilled));
            }
            return new InstallResult(site.name(), migrations, results, Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException e) {
            throw DovetailException.failed("install at site '" + site.name() + "' failed: " + SqlErrors.describe(e), e);
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
            for (TableShape shape : shapes) {
                out.append("\n-- table ").append(shape.key()).append('\n');
                for (String statement : dialect.installSql(shape, site.name())) {
                    out.append(statement.strip()).append(statement.strip().endsWith(";") ? "\n" : ";\n");
                }
                out.append("-- then existing rows get dv_version 1, a new dv_origin and a dv_seq, in primary-key")
                        .append(" ranges of ").append(Backfill.BATCH).append(" rows per transaction\n");
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
            execute(connection, List.of("DROP SCHEMA IF EXISTS \"" + dialect.metaSchema() + "\" CASCADE"));
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
