package org.dovetail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Real databases for sync tests: named sites on PostgreSQL or MariaDB (a fresh database each,
 * from the suite's own throwaway server of that kind), H2 in memory or a SQLite file (a fresh one
 * each, in the sites' temp directory), a dovetail.yml naming them, and plain-JDBC access as an
 * application would have. MariaDB sites log in with a password, which dovetail.yml names by a
 * password file.
 */
public final class TestSites implements AutoCloseable {
    /** The database kinds a site can be. */
    public enum Kind { PG, H2, MARIADB, SQLITE }

    private final PostgresDatabaseExtension pg;
    private final Map<String, String> urls = new LinkedHashMap<>();
    private final Map<String, String> users = new LinkedHashMap<>();
    private final List<TestDatabase> databases = new ArrayList<>();
    private final List<String> mariaDbs = new ArrayList<>();
    private final Map<String, Path> passwordFiles = new LinkedHashMap<>();
    private final List<Connection> keepAlive = new ArrayList<>();
    private final Path dir;

    public TestSites(PostgresDatabaseExtension pg) {
        this.pg = pg;
        try {
            this.dir = Files.createTempDirectory("dovetail-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a site of that kind with the given application DDL already run. */
    public TestSites site(String name, Kind kind, String... ddl) {
        if (kind == Kind.PG) {
            TestDatabase db = pg.newDatabase(name);
            databases.add(db);
            urls.put(name, db.url());
            users.put(name, db.user());
        } else if (kind == Kind.SQLITE) {
            String url = "jdbc:sqlite:" + dir.resolve(name + ".db").toAbsolutePath();
            urls.put(name, url);
            users.put(name, null);
            try (Connection created = DriverManager.getConnection(url)) { // the application made the file
                created.getMetaData();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        } else if (kind == Kind.MARIADB) {
            MariaDbServer server = MariaDbServer.get();
            String db = server.createDatabase(name);
            mariaDbs.add(db);
            urls.put(name, server.jdbcUrl(db));
            users.put(name, MariaDbServer.USER);
            try {
                Path file = dir.resolve(name + ".password");
                Files.writeString(file, server.password());
                passwordFiles.put(name, file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            String url = "jdbc:h2:mem:" + name + "_" + UUID.randomUUID().toString().substring(0, 8)
                    + ";DB_CLOSE_DELAY=-1";
            urls.put(name, url);
            users.put(name, "sa");
            try {
                keepAlive.add(DriverManager.getConnection(url, "sa", ""));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        exec(name, ddl);
        return this;
    }

    /** Writes dovetail.yml naming the sites and the given tables section (YAML lines). */
    public Path config(String... tablesYaml) {
        StringBuilder yaml = new StringBuilder("sites:\n");
        urls.forEach((name, url) -> {
            yaml.append("  ").append(name).append(":\n    url: ").append(url).append('\n');
            if (users.get(name) != null) {
                yaml.append("    user: ").append(users.get(name)).append('\n');
            }
            if (passwordFiles.containsKey(name)) {
                yaml.append("    password-file: ").append(passwordFiles.get(name)).append('\n');
            }
        });
        yaml.append(String.join("\n", tablesYaml)).append('\n');
        Path file = dir.resolve("dovetail.yml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The sites' names, in the order they were added. */
    public List<String> names() {
        return List.copyOf(urls.keySet());
    }

    public Path dir() {
        return dir;
    }

    /** The user a site's connections log in as. */
    public String user(String site) {
        return users.get(site);
    }

    public String url(String site) {
        return urls.get(site);
    }

    /** A connection as an application opens one (on SQLite: with a busy timeout, as applications set). */
    public Connection connect(String site) throws SQLException {
        if (urls.get(site).startsWith("jdbc:sqlite:")) {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("busy_timeout", "30000");
            return DriverManager.getConnection(urls.get(site), props);
        }
        if (passwordFiles.containsKey(site)) {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", users.get(site));
            props.setProperty("password", MariaDbServer.get().password());
            props.setProperty("timezone", "UTC");
            return DriverManager.getConnection(urls.get(site), props);
        }
        return DriverManager.getConnection(urls.get(site), users.get(site), "");
    }

    /** Runs statements at a site as an application would: autocommit, plain JDBC. */
    public void exec(String site, String... sql) {
        try (Connection c = connect(site); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + e.getMessage(), e);
        }
    }

    /** The rows of a query as lists of strings (null stays null), for comparing sites. */
    public List<List<String>> rows(String site, String query) {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = connect(site); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.add(v == null ? null : v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b)
                            : v.toString());
                }
                out.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + e.getMessage(), e);
        }
        return out;
    }

    public long count(String site, String query) {
        return Long.parseLong(rows(site, query).get(0).get(0));
    }

    @Override
    public void close() {
        for (Connection c : keepAlive) {
            try (Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already gone
            }
        }
        databases.forEach(TestDatabase::close);
        mariaDbs.forEach(db -> MariaDbServer.get().dropDatabase(db));
    }
}
