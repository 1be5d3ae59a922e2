package org.dovetail.installer.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.TestInfo;

/**
 * The fixture the PostgreSQL trigger tests share: the site's metadata and a schema {@code app}
 * once per class, a table per test named after the test method, installed in one transaction.
 */
final class PostgresTriggerTables {
    private PostgresTriggerTables() {
    }

    /** What install does for the site before any table, and the schema the tests' tables live in. */
    static void site(PostgresDatabaseExtension pg) throws SQLException {
        PostgresMetadata.create(pg.url(), pg.user(), null);
        try (Connection c = pg.connect()) {
            exec(c, "CREATE SCHEMA app");
        }
    }

    /** The running test's table name: its method's, lower case, cut to 40 characters. */
    static String tableName(TestInfo test) {
        String method = test.getTestMethod().orElseThrow().getName().toLowerCase();
        return method.substring(0, Math.min(method.length(), 40));
    }

    /** Runs install's statements for a table in one transaction, as install does. */
    static void install(Connection c, List<String> statements) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        for (String sql : statements) {
            exec(c, sql);
        }
        c.commit();
        c.setAutoCommit(auto);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
