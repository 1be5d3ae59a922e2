package org.dovetail.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, throwaway MariaDB server (Debian 12's mariadb-server, 10.11) shared by all tests of one
 * JVM: {@code mariadb-install-db} into a fresh temp directory, {@code mariadbd} on a free port
 * (127.0.0.1, a unix socket in the temp directory), run as the {@code mysql} OS user when the
 * JVM is root. A shutdown hook stops it and deletes the directory. A missing binary or a server
 * that does not come up makes {@link #get()} throw, so tests fail instead of being skipped.
 *
 * <p>Grant tables are on: {@code root} logs in over the socket only; tests connect over TCP as
 * {@link #USER} with its password, like an application would.
 */
public final class MariaDbServer {
  /** Default directory of mariadbd and mariadb-install-db (Debian's mariadb-server package). */
  public static final Path SERVER = Path.of("/usr/sbin/mariadbd");
  public static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");
  /** The test user: all rights on every database, not a superuser of the server's own tables. */
  public static final String USER = "dovetail_test";
  private static final String OS_USER = "mysql";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String RUNUSER = Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")
      .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("runuser");

  private static MariaDbServer instance;
  private static IllegalStateException startFailure;

  private final Path baseDir;
  private final int port;
  private final String password;
  private final Process process;
  private final AtomicInteger counter = new AtomicInteger();

  private MariaDbServer(Path baseDir, int port, String password, Process process) {
    this.baseDir = baseDir;
    this.port = port;
    this.password = password;
    this.process = process;
  }

  /** The JVM-wide server, started on first call; throws IllegalStateException if it cannot start. */
  public static synchronized MariaDbServer get() {
    if (instance == null) {
      if (startFailure != null) {
        throw new IllegalStateException("MariaDB failed to start earlier in this JVM: " + startFailure.getMessage(),
            startFailure);
      }
      try {
        instance = launch();
        Runtime.getRuntime().addShutdownHook(new Thread(instance::destroy, "dovetail-mariadb-cleanup"));
      } catch (RuntimeException e) {
        startFailure = e instanceof IllegalStateException ise ? ise
            : new IllegalStateException("could not start MariaDB: " + e, e);
        throw startFailure;
      }
    }
    return instance;
  }

  private static MariaDbServer launch() {
    for (Path exe : List.of(SERVER, INSTALL_DB)) {
      if (!Files.isExecutable(exe)) {
        throw new IllegalStateException("MariaDB binary " + exe + " not found or not executable. Install MariaDB"
            + " 10.11 (Debian: apt-get install mariadb-server; .ci/run does)");
      }
    }
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path dir;
    try {
      dir = Files.createTempDirectory(Path.of("/tmp"), "dovetail-mariadb-");
      if (asRoot) {
        check(Commands.run(null, TIMEOUT, List.of("chown", OS_USER + ":" + OS_USER, dir.toString())), "chown");
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not create a temp dir for MariaDB", e);
    }
    Process process = null;
    try {
      check(Commands.run(dir, TIMEOUT, asUser(asRoot, INSTALL_DB.toString(), "--no-defaults",
          "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=socket", "--skip-test-db",
          "--skip-name-resolve")), "mariadb-install-db");
      for (int attempt = 1; ; attempt++) {
        int port = freePort();
        List<String> command = asUser(asRoot, SERVER.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
            "--socket=" + dir.resolve("mysqld.sock"), "--port=" + port, "--bind-address=127.0.0.1",
            "--pid-file=" + dir.resolve("mysqld.pid"), "--log-error=" + dir.resolve("error.log"),
            "--skip-name-resolve", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
            "--innodb-buffer-pool-size=128M", "--innodb-log-file-size=64M", "--innodb-flush-log-at-trx-commit=0",
            "--sync-binlog=0", "--skip-log-bin", "--max-connections=300", "--default-time-zone=+00:00");
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        if (waitUntilReady(process, dir)) {
          String password = "pw-" + UUID.randomUUID();
          createUser(dir, asRoot, password);
          return new MariaDbServer(dir, port, password, process);
        }
        String log = logTail(dir);
        stop(process);
        if (!log.contains("Address already in use") || attempt >= 5) {
          throw new IllegalStateException("mariadbd did not start in " + dir + ":\n" + log);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (process != null) {
        stop(process);
      }
      PgCluster.deleteRecursively(dir);
      throw e instanceof IllegalStateException ise ? ise : new IllegalStateException("could not start MariaDB: " + e, e);
    }
  }

  private static boolean waitUntilReady(Process process, Path dir) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      if (Files.exists(dir.resolve("mysqld.sock")) && logTail(dir).contains("ready for connections")) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * The test user, created through the socket login mariadb-install-db gives the OS user that ran
   * it (the mariadb client, as an admin would).
   */
  private static void createUser(Path dir, boolean asRoot, String password) {
    String sql = "CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';"
        + " GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'127.0.0.1';";
    check(Commands.run(dir, TIMEOUT, asUser(asRoot, "/usr/bin/mariadb", "--no-defaults",
        "--socket=" + dir.resolve("mysqld.sock"), "-u" + (asRoot ? OS_USER : System.getProperty("user.name")), "-e", sql)),
        "create the test user");
  }

  private static List<String> asUser(boolean asRoot, String... command) {
    List<String> out = new ArrayList<>();
    if (asRoot) {
      out.addAll(List.of(RUNUSER, "-u", OS_USER, "--"));
    }
    out.addAll(List.of(command));
    return out;
  }

  private static void check(Commands.Result r, String what) {
    if (!r.ok()) {
      throw new IllegalStateException(what + " failed: " + r.describe());
    }
  }

  /** {@code jdbc:mariadb://127.0.0.1:PORT/database}. */
  public String jdbcUrl(String database) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  /** The test user's password (tests hand it to Dovetail through a password file or variable). */
  public String password() {
    return password;
  }

  /** A connection to {@code database} as the test user, in UTC, autocommit on. */
  public Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("password", password);
    props.setProperty("timezone", "UTC");
    props.setProperty("useCatalogTerm", "SCHEMA");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  /** Creates a database named after {@code prefix} plus a unique suffix, utf8mb4; returns its name. */
  public String createDatabase(String prefix) {
    String base = (prefix == null ? "db" : prefix).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
    String name = (base.length() > 30 ? base.substring(0, 30) : base) + "_" + counter.incrementAndGet() + "_"
        + UUID.randomUUID().toString().substring(0, 6);
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
    }
    return name;
  }

  /** Drops the database and the metadata database Dovetail may have made for it. */
  public void dropDatabase(String name) {
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS `" + name + "`");
      s.execute("DROP DATABASE IF EXISTS `" + name + "_dovetail`");
    } catch (SQLException e) {
      // best effort: the server is thrown away at exit anyway
    }
  }

  /** The last lines of the server's error log. */
  public String logTail() {
    return logTail(baseDir);
  }

  private static String logTail(Path dir) {
    try {
      Path log = dir.resolve("error.log");
      return Files.exists(log) ? Commands.tail(Files.readString(log, StandardCharsets.UTF_8), 40) : "(no error log)";
    } catch (IOException e) {
      return "(error log unreadable: " + e + ")";
    }
  }

  private void destroy() {
    stop(process);
    PgCluster.deleteRecursively(baseDir);
  }

  /** SIGTERM (a clean shutdown), then SIGKILL after 30 s; runuser passes the signal on. */
  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("could not find a free TCP port", e);
    }
  }
}
