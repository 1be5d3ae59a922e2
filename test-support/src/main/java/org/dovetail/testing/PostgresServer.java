package org.dovetail.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real, throwaway PostgreSQL server shared by all integration tests of one JVM.
 *
 * <p>{@link #get()} starts it on first use (fresh temp dir, free port) and a shutdown hook stops
 * it and deletes its directory. If PostgreSQL cannot be started, {@code get()} throws an
 * {@link IllegalStateException} saying why, so tests fail instead of being skipped. The
 * superuser {@code postgres} connects over TCP without a password; any other role must give its
 * password.
 *
 * <p>Its binaries are the system's PostgreSQL 15 ({@link #DEFAULT_BIN}) unless
 * {@code -Ddovetail.test.pg=N} (or {@code $DOVETAIL_TEST_PG}) names another major version, 13 to
 * 18, whose binaries then come from the {@code io.zonky.test.postgres} jar the build fetched
 * (see {@link PgBinaries}), or {@code -Ddovetail.pg.bin} names a bin directory.
 * {@link #forMajor(int)} starts, once per JVM, a second server of a given major next to it, for
 * tests that sync between two versions.
 */
public final class PostgresServer {
  /** Default directory of initdb, pg_ctl and postgres (Debian's postgresql-15 package). */
  public static final String DEFAULT_BIN = "/usr/lib/postgresql/15/bin";
  /** System property overriding {@link #DEFAULT_BIN}. */
  public static final String BIN_PROPERTY = "dovetail.pg.bin";
  /** Environment variable overriding {@link #DEFAULT_BIN} (the system property wins). */
  public static final String BIN_ENV = "DOVETAIL_PG_BIN";
  /** System property naming the major version (13..18) the whole suite runs on. */
  public static final String VERSION_PROPERTY = "dovetail.test.pg";
  /** Environment variable for {@link #VERSION_PROPERTY} (the system property wins). */
  public static final String VERSION_ENV = "DOVETAIL_TEST_PG";
  /** The lowest and highest major versions whose binaries the build can fetch. */
  public static final int MIN_MAJOR = 13;
  public static final int MAX_MAJOR = 18;
  static final String SUPERUSER = "postgres";
  private static final int MAX_IDENTIFIER = 63;

  private static final String DEFAULT_KEY = "default";
  /** Started servers: the suite's under {@link #DEFAULT_KEY}, the others under their major. */
  private static final Map<String, PostgresServer> SERVERS = new HashMap<>();
  private static final Map<String, IllegalStateException> FAILURES = new HashMap<>();

  private final PgCluster cluster;
  private final AtomicInteger counter = new AtomicInteger();
  private volatile int major;

  private PostgresServer(PgCluster cluster) {
    this.cluster = cluster;
  }

  /** The JVM-wide server, started on first call; throws IllegalStateException if it cannot start. */
  public static synchronized PostgresServer get() {
    return server(DEFAULT_KEY, PostgresServer::binDir);
  }

  /**
   * A server of PostgreSQL {@code major} (13..18), started once per JVM from the binaries jar of
   * that version; the suite's own server when that already runs {@code major} from such a jar.
   * Throws IllegalStateException (never skips) when the binaries are missing or do not start.
   */
  public static synchronized PostgresServer forMajor(int major) {
    checkMajor(major, "forMajor");
    OptionalInt selected = selectedMajor();
    if (selected.isPresent() && selected.getAsInt() == major) {
      return get();
    }
    return server(String.valueOf(major), () -> PgBinaries.binDir(major));
  }

  private static PostgresServer server(String key, Supplier<Path> binDir) {
    PostgresServer server = SERVERS.get(key);
    if (server != null) {
      return server;
    }
    IllegalStateException failure = FAILURES.get(key);
    if (failure != null) {
      throw new IllegalStateException("PostgreSQL (" + key + ") failed to start earlier in this"
          + " JVM: " + failure.getMessage(), failure);
    }
    try {
      PgCluster cluster = PgCluster.launch(binDir.get());
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::destroy, "dovetail-pg-cleanup"));
      server = new PostgresServer(cluster);
      SERVERS.put(key, server);
      return server;
    } catch (RuntimeException e) {
      failure = e instanceof IllegalStateException ise
          ? ise : new IllegalStateException("could not start PostgreSQL: " + e, e);
      FAILURES.put(key, failure);
      throw failure;
    }
  }

  /**
   * The major version chosen with -Ddovetail.test.pg / $DOVETAIL_TEST_PG, if any; throws
   * IllegalArgumentException for anything but a number from 13 to 18.
   */
  public static OptionalInt selectedMajor() {
    String value = System.getProperty(VERSION_PROPERTY);
    String source = "-D" + VERSION_PROPERTY;
    if (value == null || value.isBlank()) {
      value = System.getenv(VERSION_ENV);
      source = "$" + VERSION_ENV;
    }
    if (value == null || value.isBlank()) {
      return OptionalInt.empty();
    }
    int major;
    try {
      major = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + "=" + value + ": expected a PostgreSQL major"
          + " version from " + MIN_MAJOR + " to " + MAX_MAJOR);
    }
    checkMajor(major, source);
    return OptionalInt.of(major);
  }

  private static void checkMajor(int major, String what) {
    if (major < MIN_MAJOR || major > MAX_MAJOR) {
      throw new IllegalArgumentException(what + ": PostgreSQL " + major + " is not supported;"
          + " expected a major version from " + MIN_MAJOR + " to " + MAX_MAJOR);
    }
  }

  /**
   * The suite's bin directory: the binaries jar's of -Ddovetail.test.pg, else -Ddovetail.pg.bin,
   * else $DOVETAIL_PG_BIN, else {@link #DEFAULT_BIN}.
   */
  static Path binDir() {
    OptionalInt major = selectedMajor();
    if (major.isPresent()) {
      return PgBinaries.binDir(major.getAsInt());
    }
    String prop = System.getProperty(BIN_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    String env = System.getenv(BIN_ENV);
    return Path.of(env != null && !env.isBlank() ? env : DEFAULT_BIN);
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/database}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** The server's major version, e.g. 13 (asked once: server_version_num / 10000). */
  public int majorVersion() {
    if (major == 0) {
      try (Connection c = connect("postgres"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW server_version_num")) {
        rs.next();
        major = Integer.parseInt(rs.getString(1)) / 10000;
      } catch (SQLException e) {
        throw new IllegalStateException("could not ask the server's version: " + e.getMessage(), e);
      }
    }
    return major;
  }

  /** The directory of the binaries this server runs. */
  public Path binDirectory() {
    return cluster.binDir();
  }

  /** The TCP port the server listens on (127.0.0.1 only). */
  public int port() {
    return cluster.port();
  }

  /** The superuser name, {@code postgres}; it needs no password. */
  public String superuser() {
    return SUPERUSER;
  }

  /** A superuser connection to {@code database}. */
  public Connection connect(String database) throws SQLException {
    return connect(database, SUPERUSER, null);
  }

  /** A connection to {@code database} as {@code user}; {@code password} may be null. */
  public Connection connect(String database, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "20");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  /** Creates a database named after {@code prefix} plus a unique suffix (at most 63 chars). */
  public TestDatabase createDatabase(String prefix) {
    String name = uniqueName(prefix);
    execAsSuperuser("CREATE DATABASE " + quoteIdent(name) + " TEMPLATE template0 ENCODING 'UTF8'",
        "create database " + name);
    return new TestDatabase(this, name);
  }

  /** Drops {@code database}, disconnecting its sessions; no error if it does not exist. */
  void dropDatabase(String database) {
    execAsSuperuser("DROP DATABASE IF EXISTS " + quoteIdent(database) + " WITH (FORCE)",
        "drop database " + database);
  }

  /**
   * Creates (or, if it exists, updates) a non-superuser LOGIN role with {@code password} and
   * returns its name. The role must give that password to connect over TCP.
   */
  public synchronized String createRole(String name, String password) {
    if (password == null) {
      throw new IllegalArgumentException("a password is required");
    }
    try (Connection c = connect(SUPERUSER);
        PreparedStatement q = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
      q.setString(1, name);
      boolean exists;
      try (ResultSet rs = q.executeQuery()) {
        exists = rs.next();
      }
      try (Statement s = c.createStatement()) {
        s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + quoteIdent(name)
            + " LOGIN PASSWORD " + quoteLiteral(password));
      }
      return name;
    } catch (SQLException e) {
      throw new IllegalStateException("could not create role " + name + ": " + e.getMessage(), e);
    }
  }

  /** Starts the server again if it is not running (e.g. after {@link #stop()}); else no-op. */
  public synchronized void start() {
    if (!cluster.isRunning()) {
      cluster.start();
    }
  }

  /** Restarts the server (fast shutdown, same port and options); data is kept. */
  public synchronized void restart() {
    cluster.restart();
  }

  /** Stops the server (fast shutdown) until {@link #start()} or {@link #restart()}. */
  public synchronized void stop() {
    cluster.stop();
  }

  /** The last lines of the server log, handy in assertion messages. */
  public String logTail() {
    return cluster.logTail();
  }

  /** The temp directory holding data, socket and log (deleted at JVM exit). */
  Path baseDir() {
    return cluster.baseDir();
  }

  private void execAsSuperuser(String sql, String what) {
    try (Connection c = connect(SUPERUSER); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("could not " + what + ": " + e.getMessage(), e);
    }
  }

  /** Lowercased, sanitised prefix + "_" + counter + "_" + random, cut to fit 63 characters. */
  String uniqueName(String prefix) {
    String base = (prefix == null ? "" : prefix).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9_]+", "_").replaceAll("^_+|_+$", "");
    if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
      base = "db_" + base;
    }
    String suffix = "_" + counter.incrementAndGet() + "_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    int room = MAX_IDENTIFIER - suffix.length();
    return (base.length() > room ? base.substring(0, room) : base) + suffix;
  }

  static String quoteIdent(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String quoteLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
