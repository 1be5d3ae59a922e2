package org.dovetail.installer.h2;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.dovetail.core.dialect.h2.H2Dialect;
import org.dovetail.core.table.TableShape;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the H2 bookkeeping tests: a fresh in-memory site per test, with Dovetail's
 * metadata migrated by Flyway and the site row written (a small stand-in for the Installer).
 */
abstract class H2SiteTest {
    static final String SITE = "laptop";

    final H2Dialect dialect = new H2Dialect();
    final List<Connection> opened = new ArrayList<>();
    String url;
    Connection db;

    @BeforeEach
    void openSite() throws SQLException {
        url = "jdbc:h2:mem:" + getClass().getSimpleName() + "_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        migrate(url);
        db = connect();
        writeSite(db, SITE);
    }

    @AfterEach
    void closeSite() throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("SHUTDOWN");
        }
        for (Connection c : opened) {
            c.close();
        }
    }

    static void migrate(String url) {
        Flyway.configure().dataSource(url, "sa", "").schemas("DOVETAIL").createSchemas(true)
                .table("DV_SCHEMA_HISTORY").locations("classpath:org/dovetail/migration/h2").load().migrate();
    }

    static void writeSite(Connection c, String name) throws SQLException {
        exec(c, "INSERT INTO DOVETAIL.SITE (SITE_ID, SITE_NAME, INSTALLED_AT) VALUES ('"
                + UUID.randomUUID() + "', '" + name + "', CURRENT_TIMESTAMP)");
    }

    /** Another session on the same database, closed after the test. */
    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, "sa", "");
        opened.add(c);
        return c;
    }

    void install(TableShape shape) throws SQLException {
        for (String sql : dialect.installSql(shape, SITE)) {
            exec(db, sql);
        }
    }

    void uninstall(TableShape shape) throws SQLException {
        for (String sql : dialect.uninstallSql(shape)) {
            exec(db, sql);
        }
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static long seqOf(Connection c, String sql) throws SQLException {
        return ((Number) single(c, sql)).longValue();
    }

    static Object single(Connection c, String sql) throws SQLException {
        List<Map<String, Object>> rows = rows(c, sql);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row from " + sql + " but got " + rows);
        }
        return rows.get(0).values().iterator().next();
    }

    /** The first row of a query as column name to value, or null when there is none. */
    static Map<String, Object> row(Connection c, String sql) throws SQLException {
        List<Map<String, Object>> rows = rows(c, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
