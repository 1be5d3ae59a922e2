package org.dovetail.installer;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.dovetail.core.site.Site;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Creates or migrates Dovetail's own metadata schema at a site with Flyway (its own history table). */
public final class MetadataSchema {
    /** Flyway's history table for Dovetail's metadata, kept apart from any application history. */
    public static final String HISTORY_TABLE = "dv_schema_history";

    private MetadataSchema() {
    }

    /** Applies pending migrations; returns how many ran. */
    public static int migrate(Site site) {
        MigrateResult result = flyway(site).migrate();
        return result.migrationsExecuted;
    }

    /** The scripts of the migrations install would apply here now, in order (for --print-sql). */
    public static java.util.List<String> pendingScripts(Site site) {
        String folder = site.dialect().migrationLocation().substring("classpath:".length());
        java.util.List<String> scripts = new java.util.ArrayList<>();
        for (org.flywaydb.core.api.MigrationInfo info : flyway(site).info().pending()) {
            try (java.io.InputStream in = MetadataSchema.class.getClassLoader()
                    .getResourceAsStream(folder + "/" + info.getScript())) {
                scripts.add("-- " + info.getScript() + "\n"
                        + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return scripts;
    }

    private static Flyway flyway(Site site) {
        return Flyway.configure(MetadataSchema.class.getClassLoader())
                .loggers("slf4j")
                .dataSource(new SiteDataSource(site))
                .schemas(site.dialect().metaSchema())
                .createSchemas(true)
                // where the metadata shares the application's schema (SQLite's main), that schema is not empty
                .baselineOnMigrate(site.dialect().metadataBesideApplication())
                .baselineVersion("0")
                .table(site.dialect().fold(HISTORY_TABLE))
                .locations(site.dialect().migrationLocation())
                .validateMigrationNaming(true)
                .load();
    }

    /** Hands Flyway fresh connections from the site, in autocommit mode as Flyway expects. */
    private record SiteDataSource(Site site) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            Connection c = site.connect(site.dialect().migrationConnectionProperties());
            c.setAutoCommit(true);
            return c;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
