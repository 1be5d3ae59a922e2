package org.dovetail.installer.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.dovetail.core.dialect.postgres.PostgresDialect;
import org.flywaydb.core.Flyway;

/** What install does for the site before any table, for tests that install tables by their DDL alone. */
final class PostgresMetadata {
    private PostgresMetadata() {
    }

    /** The metadata schema (Flyway) and applying mode's functions. */
    static void create(String url, String user, String password) {
        Flyway.configure().dataSource(url, user, password).schemas("dovetail").createSchemas(true)
                .table("dv_schema_history").locations("classpath:org/dovetail/migration/postgres")
                .load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String sql : new PostgresDialect().installSiteSql()) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
