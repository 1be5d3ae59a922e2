package org.dovetail.cli;

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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestDatabase;
import org.dovetail.testing.TestSites.Kind;

/**
 * Sites for {@link BadInputIT} that a separate {@code dovetail.jar} process can open, each
 * guarded by a real password: PostgreSQL databases owned by a password-authenticated,
 * non-superuser role, and H2 <em>file</em> databases (an in-memory H2 database would be
 * invisible to another process) whose admin user has the same password. The test itself
 * connects as the superuser (PostgreSQL) or the admin user (H2), never keeping an H2 file
 * open while the CLI runs.
 */
final class BadInputSites implements AutoCloseable {
    /** The sites' password: it must never appear in any output. */
    static final String PASSWORD = "Quokka-Saffron-8812-pw";
    /** A wrong password, given in some cases: it must never appear either. */
    static final String WRONG_PASSWORD = "Wombat-Cinnabar-5523-pw";
    /** The environment variable site {@code a} reads its password from (other sites use password-file). */
    static final String PASSWORD_ENV = "DV_BADINPUT_PW";
    static final String ROLE = "badinput_owner";

    private final PostgresDatabaseExtension pg;
    private final Path dir;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private final Map<String, TestDatabase> databases = new LinkedHashMap<>();

    BadInputSites(PostgresDatabaseExtension pg) {
        this.pg = pg;
        try {
            this.dir = Files.createTempDirectory("dovetail-badinput");
            Files.writeString(dir.resolve("site.pw"), PASSWORD + "\n");
            Files.writeString(dir.resolve("wrong.pw"), WRONG_PASSWORD + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pg.server().createRole(ROLE, PASSWORD);
    }

    /** Adds a site with the application DDL run (as the owner the CLI will log in as). */
    BadInputSites site(String name, Kind kind, String... ddl) {
        kinds.put(name, kind);
        if (kind == Kind.PG) {
            TestDatabase db = pg.newDatabase("badinput_" + name);
            databases.put(name, db);
            urls.put(name, db.url());
            exec(name, "ALTER DATABASE \"" + db.name() + "\" OWNER TO " + ROLE);
            exec(name, ddl);
            for (List<String> table : rows(name, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                exec(name, "ALTER TABLE public.\"" + table.get(0) + "\" OWNER TO " + ROLE);
            }
        } else {
            urls.put(name, "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath());
            exec(name, ddl); // the first connection creates the database with this admin user and password
        }
        return this;
    }

    Path dir() {
        return dir;
    }

    Kind kind(String site) {
        return kinds.get(site);
    }

    String url(String site) {
        return urls.get(site);
    }

    /** The user the CLI logs in as at that site. */
    String user(String site) {
        return kinds.get(site) == Kind.PG ? ROLE : "badinput";
    }

    /**
     * The {@code sites:} section naming every site: {@code a} takes its password from
     * {@link #PASSWORD_ENV}, every other site from a password file.
     */
    String sitesYaml() {
        StringBuilder yaml = new StringBuilder("sites:\n");
        for (String name : urls.keySet()) {
            yaml.append("  ").append(name).append(":\n    url: ").append(urls.get(name)).append("\n    user: ")
                    .append(user(name)).append('\n')
                    .append(name.equals("a") ? "    password-env: " + PASSWORD_ENV + "\n"
                            : "    password-file: site.pw\n");
        }
        return yaml.toString();
    }

    /** Writes a file in the sites' directory (a configuration, a CSV) and returns its path. */
    Path write(String fileName, String content) {
        try {
            return Files.writeString(dir.resolve(fileName), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code dovetail.yml}-style file with every site and the given lines after it. */
    Path config(String fileName, String... lines) {
        return write(fileName, sitesYaml() + String.join("\n", lines) + "\n");
    }

    /** The environment of a CLI run: the current one, the right password in {@link #PASSWORD_ENV}. */
    static Map<String, String> env() {
        return env(PASSWORD);
    }

    static Map<String, String> env(String password) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("DOVETAIL_CONFIG");
        env.put(PASSWORD_ENV, password);
        return env;
    }

    Connection connect(String site) throws SQLException {
        return kinds.get(site) == Kind.PG ? databases.get(site).connect()
                : DriverManager.getConnection(urls.get(site), "badinput", PASSWORD);
    }

    void exec(String site, String... sql) {
        try (Connection c = connect(site); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + e.getMessage(), e);
        }
    }

    /** The rows of a query as lists of strings (null stays null). */
    List<List<String>> rows(String site, String query) {
        try (Connection c = connect(site)) {
            return rows(c, query);
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + e.getMessage() + " in " + query, e);
        }
    }

    long count(String site, String query) {
        return Long.parseLong(rows(site, query).get(0).get(0));
    }

    private static List<List<String>> rows(Connection c, String query) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof java.sql.Clob clob) {
                        v = clob.getSubString(1, (int) clob.length());
                    } else if (v instanceof java.sql.Blob blob) {
                        v = blob.getBytes(1, (int) blob.length());
                    }
                    row.add(v == null ? null : v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b)
                            : v.toString());
                }
                out.add(row);
            }
        }
        return out;
    }

    /**
     * Everything a command could have changed at a site: schemas, tables, columns, triggers,
     * routines, indexes and sequences from the catalog, and every row of every table
     * (the application's, the tombstone tables and Dovetail's metadata tables), sorted.
     * Keys name what each entry holds, e.g. {@code columns} or {@code rows public.items}.
     */
    Map<String, List<List<String>>> snapshot(String site) {
        boolean pgSite = kinds.get(site) == Kind.PG;
        String notSystem = pgSite ? " NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                : " <> 'INFORMATION_SCHEMA'";
        Map<String, String> catalog = new LinkedHashMap<>();
        catalog.put("schemas", "SELECT schema_name FROM information_schema.schemata WHERE schema_name" + notSystem
                + " ORDER BY 1");
        catalog.put("tables", "SELECT table_schema, table_name, table_type FROM information_schema.tables "
                + "WHERE table_schema" + notSystem + " ORDER BY 1, 2");
        catalog.put("columns", "SELECT table_schema, table_name, column_name, ordinal_position, data_type, "
                + "is_nullable, column_default FROM information_schema.columns WHERE table_schema" + notSystem
                + " ORDER BY 1, 2, 4");
        catalog.put("triggers", "SELECT trigger_schema, trigger_name, event_object_table, event_manipulation, "
                + "action_timing FROM information_schema.triggers WHERE trigger_schema" + notSystem
                + " ORDER BY 1, 2, 3, 4");
        catalog.put("routines", "SELECT routine_schema, routine_name, routine_type FROM information_schema.routines "
                + "WHERE routine_schema" + notSystem + " ORDER BY 1, 2, 3");
        catalog.put("indexes", pgSite
                ? "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname" + notSystem
                        + " ORDER BY 1, 2, 3"
                : "SELECT index_schema, table_name, index_name, index_type_name FROM information_schema.indexes "
                        + "WHERE index_schema" + notSystem + " ORDER BY 1, 2, 3");
        catalog.put("sequences", "SELECT sequence_schema, sequence_name FROM information_schema.sequences "
                + "WHERE sequence_schema" + notSystem + " ORDER BY 1, 2");
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        try (Connection c = connect(site)) {
            for (Map.Entry<String, String> q : catalog.entrySet()) {
                out.put(q.getKey(), rows(c, q.getValue()));
            }
            for (List<String> table : out.get("tables")) {
                if (!table.get(2).equals("BASE TABLE")) {
                    continue;
                }
                List<List<String>> data = rows(c, "SELECT * FROM \"" + table.get(0) + "\".\"" + table.get(1) + "\"");
                data.sort(Comparator.comparing(Object::toString));
                out.put("rows " + table.get(0) + "." + table.get(1), data);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The entries of a snapshot that concern one table: its catalog rows (columns, triggers,
     * indexes), all its rows and its tombstones', and the rows of Dovetail's metadata that name
     * it (its registration, watermarks, conflicts).
     */
    static Map<String, List<List<String>>> aboutTable(Map<String, List<List<String>>> snapshot, String table) {
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        String wanted = table.toLowerCase(java.util.Locale.ROOT);
        String tomb = "dv_tomb_" + wanted;
        for (Map.Entry<String, List<List<String>>> e : snapshot.entrySet()) {
            String key = e.getKey().toLowerCase(java.util.Locale.ROOT);
            if (key.endsWith("." + wanted) || key.endsWith("." + tomb)) {
                out.put(e.getKey(), e.getValue());
            } else {
                out.put(e.getKey(), e.getValue().stream().filter(row -> row.stream().anyMatch(cell -> cell != null
                        && names(cell.toLowerCase(java.util.Locale.ROOT), wanted, tomb))).toList());
            }
        }
        return out;
    }

    private static boolean names(String cell, String table, String tomb) {
        return cell.equals(table) || cell.equals(tomb) || cell.endsWith("." + table) || cell.endsWith("." + tomb);
    }

    @Override
    public void close() {
        databases.values().forEach(TestDatabase::close);
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
