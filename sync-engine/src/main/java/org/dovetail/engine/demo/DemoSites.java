package org.dovetail.engine.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.engine.Dovetail;

/**
 * The demo's two H2 file databases, "desktop" and "laptop": a sample schema, a
 * configuration naming them, and the application edits made while they were apart.
 */
public final class DemoSites {
    public static final String DESKTOP = "desktop";
    public static final String LAPTOP = "laptop";

    private final Path dir;

    public DemoSites(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** Fresh databases (an earlier demo's are replaced) with the sample table; customers only at the desktop. */
    public Dovetail create() {
        try {
            Files.createDirectories(dir);
            for (String site : List.of(DESKTOP, LAPTOP)) {
                Files.deleteIfExists(dir.resolve(site + ".mv.db"));
                Files.deleteIfExists(dir.resolve(site + ".trace.db"));
            }
            Path config = dir.resolve("dovetail.yml");
            Files.writeString(config, "# written by 'dovetail demo'\nsites:\n"
                    + "  desktop:\n    url: " + url(DESKTOP) + "\n    user: sa\n"
                    + "  laptop:\n    url: " + url(LAPTOP) + "\n    user: sa\n"
                    + "tables:\n  - customers\nconflicts:\n  policy: version\n");
            String table = "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL, "
                    + "email VARCHAR(120), city VARCHAR(60))";
            exec(DESKTOP, table,
                    "INSERT INTO customers VALUES (1, 'Ada Lovelace', 'ada@example.org', 'London')",
                    "INSERT INTO customers VALUES (2, 'Grace Hopper', 'grace@example.org', 'New York')",
                    "INSERT INTO customers VALUES (3, 'Alan Turing', 'alan@example.org', 'Manchester')");
            exec(LAPTOP, table);
            return new Dovetail(new ConfigLoader(Map.of()).load(config), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** While apart: both edit Ada (a conflict), the laptop deletes Alan, the desktop adds a customer. */
    public List<String> editWhileApart() {
        exec(DESKTOP, "UPDATE customers SET email = 'ada@analytical.engine' WHERE id = 1",
                "INSERT INTO customers VALUES (4, 'Katherine Johnson', 'kj@example.org', 'Hampton')");
        exec(LAPTOP, "UPDATE customers SET city = 'Marylebone' WHERE id = 1", "DELETE FROM customers WHERE id = 3");
        return List.of("desktop: Ada's email changed; customer 4 (Katherine Johnson) added",
                "laptop:  Ada's city changed; customer 3 (Alan Turing) deleted");
    }

    /** The customers at a site, one line each. */
    public List<String> customers(String site) {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(site); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, email, city FROM customers ORDER BY id")) {
            while (rs.next()) {
                out.add(String.format("%d  %-18s %-24s %s", rs.getInt(1), rs.getString(2), rs.getString(3),
                        rs.getString(4)));
            }
        } catch (SQLException e) {
            throw DovetailException.failed("demo: " + SqlErrors.describe(e), e);
        }
        return out;
    }

    private String url(String site) {
        return "jdbc:h2:file:" + dir.resolve(site).toString().replace('\\', '/');
    }

    private Connection connect(String site) throws SQLException {
        return DriverManager.getConnection(url(site), "sa", "");
    }

    private void exec(String site, String... sql) {
        try (Connection c = connect(site); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw DovetailException.failed("demo: " + SqlErrors.describe(e), e);
        }
    }
}
