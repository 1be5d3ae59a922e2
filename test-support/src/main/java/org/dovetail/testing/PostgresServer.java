package org.dovetail.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real, throwaway PostgreSQL 15 server shared by all integration tests of one JVM.
 *
 * <p>{@link #get()} starts it on first use (fresh temp dir, free port) and a shutdown hook stops
 * it and deletes its directory. If PostgreSQL cannot be started, {@code get()} throws an
 * {@link IllegalStateException} saying why, so tests fail instead of being skipped. The
 * superuser {@code postgres} connects over TCP without a password; any other role must give its
 * password.
 */
public final class PostgresServer {
  /** Default directory of initdb, pg_ctl and postgres (Debian's postgresql-15 package). */
  public static final String DEFAULT_BIN = "/usr/lib/postgresql/15/bin";
  /** System property overriding {@link #DEFAULT_BIN}. */
  public static final String BIN_PROPERTY = "dovetail.pg.bin";
  /** Environment variable overriding {@link #DEFAULT_BIN} (the system property wins). */
  public static final String BIN_ENV = "DOVETAIL_PG_BIN";
  static final String SUPERUSER = "postgres";
  private static final int MAX_IDENTIFIER = 63;

  private static PostgresServer instance;
  private static IllegalStateException startFailure;

  private final PgCluster cluster;
  private final AtomicInteger counter = new AtomicInteger();

  private PostgresServer(PgCluster cluster) {
    this.cluster = cluster;
  }

  /** The JVM-wide server, started on first call; throws IllegalStateException if it cannot start. */
  public static synchronized PostgresServer get() {
    if (instance == null) {
      if (startFailure != null) {
        throw new IllegalStateException("PostgreSQL failed to start earlier in this JVM: "
            + startFailure.getMessage(), startFailure);
      }
      try {
        PgCluster cluster = PgCluster.launch(binDir());
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::destroy, "dovetail-pg-cleanup"));
        instance = new PostgresServer(cluster);
      } catch (RuntimeException e) {
        startFailure = e instanceof IllegalStateException ise
            ? ise : new IllegalStateException("could not start PostgreSQL: " + e, e);
        throw startFailure;
      }
    }
    return instance;
  }

  /** The bin directory from -Ddovetail.pg.bin, else $DOVETAIL_PG_BIN, else {@link #DEFAULT_BIN}. */
  static Path binDir() {
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
