package org.dovetail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One throwaway PostgreSQL data directory and the initdb/pg_ctl commands that manage it
 * (package-private; tests use {@link PostgresServer}).
 *
 * <p>Everything lives in a fresh {@code dovetail-pg-*} temp directory on a fresh free port, so a
 * stale server of an earlier run never matters. When the JVM runs as root, PostgreSQL refuses
 * to start, so every pg binary runs as the unprivileged {@code postgres} account via runuser.
 */
final class PgCluster {
  static final String DIR_PREFIX = "dovetail-pg-";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String OS_USER = "postgres";
  /** runuser lives in /usr/sbin, which a root PATH may lack: prefer an absolute path. */
  private static final String RUNUSER = Stream.of("/usr/sbin/runuser", "/sbin/runuser",
          "/usr/bin/runuser", "/bin/runuser")
      .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("runuser");

  private final Path binDir;
  private final boolean asRoot;
  private final Path baseDir;
  private final Path dataDir;
  private final Path socketDir;
  private final Path logFile;
  private volatile int port;

  private PgCluster(Path binDir, boolean asRoot, Path baseDir) {
    this.binDir = binDir;
    this.asRoot = asRoot;
    this.baseDir = baseDir;
    this.dataDir = baseDir.resolve("data");
    this.socketDir = baseDir.resolve("sock");
    this.logFile = baseDir.resolve("server.log");
  }

  /** Creates, initialises and starts a new cluster; throws IllegalStateException on any failure. */
  static PgCluster launch(Path binDir) {
    for (String exe : List.of("initdb", "pg_ctl", "postgres")) {
      if (!Files.isExecutable(binDir.resolve(exe))) {
        throw new IllegalStateException("PostgreSQL binary " + binDir.resolve(exe) + " not found"
            + " or not executable. Install PostgreSQL 15 (Debian: apt-get install postgresql-15)"
            + " or point -D" + PostgresServer.BIN_PROPERTY + " / " + PostgresServer.BIN_ENV
            + " at its bin directory.");
      }
    }
    boolean asRoot = runningAsRoot();
    if (asRoot) {
      Commands.Result probe = Commands.run(Path.of("/"), TIMEOUT,
          List.of(RUNUSER, "-u", OS_USER, "--", binDir.resolve("pg_ctl").toString(), "--version"));
      if (!probe.ok()) {
        throw new IllegalStateException("Running as root, so PostgreSQL must run as the '" + OS_USER
            + "' OS user via runuser (util-linux), but that failed: " + probe.describe());
      }
    }
    sweepStale(binDir, asRoot);
    PgCluster cluster = new PgCluster(binDir, asRoot, makeBaseDir(asRoot));
    try {
      cluster.initdb();
      cluster.writeHba();
      cluster.startOnFreePort();
      return cluster;
    } catch (RuntimeException e) {
      cluster.destroy();
      throw e;
    }
  }

  int port() {
    return port;
  }

  Path baseDir() {
    return baseDir;
  }

  Path binDir() {
    return binDir;
  }

  /** Whether the postmaster of this data directory is running ({@code pg_ctl status}). */
  boolean isRunning() {
    return pg("pg_ctl", "-D", dataDir.toString(), "status").ok();
  }

  /** Starts the stopped server again on the same port and data. */
  void start() {
    Commands.Result r = pg("pg_ctl", "-D", dataDir.toString(), "-o", serverOptions(),
        "-w", "-t", "90", "-l", logFile.toString(), "start");
    check(r, "pg_ctl start");
  }

  /** Fast shutdown, waiting until the server is gone. */
  void stop() {
    check(pg("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "stop"), "pg_ctl stop");
  }

  /** Fast restart with the same options, waiting until it accepts connections. */
  void restart() {
    Commands.Result r = pg("pg_ctl", "-D", dataDir.toString(), "-o", serverOptions(), "-m", "fast",
        "-w", "-t", "90", "-l", logFile.toString(), "restart");
    check(r, "pg_ctl restart");
  }

  /** Immediate shutdown (ignoring errors) and removal of the whole temp directory. */
  void destroy() {
    if (Files.exists(dataDir.resolve("postmaster.pid"))) {
      pg("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
    }
    deleteRecursively(baseDir);
  }

  /** The last lines of the server log, for failure messages. */
  String logTail() {
    try {
      return Files.exists(logFile)
          ? Commands.tail(Files.readString(logFile, StandardCharsets.UTF_8), 40)
          : "(no server log)";
    } catch (IOException | UncheckedIOException e) {
      return "(server log unreadable: " + e + ")";
    }
  }

  private void initdb() {
    String data = dataDir.toString();
    Commands.Result r = pg("initdb", "-D", data, "-U", PostgresServer.SUPERUSER, "--auth=trust",
        "-E", "UTF8", "--locale=C.UTF-8");
    if (r.ok()) {
      return;
    }
    // Most likely the C.UTF-8 locale is missing on this machine: retry without a locale.
    deleteRecursively(dataDir);
    Commands.Result retry = pg("initdb", "-D", data, "-U", PostgresServer.SUPERUSER, "--auth=trust",
        "-E", "UTF8", "--no-locale");
    if (!retry.ok()) {
      throw new IllegalStateException("initdb failed with --locale=C.UTF-8: " + r.describe()
          + System.lineSeparator() + "and with --no-locale: " + retry.describe());
    }
  }

  /** Superuser is trusted; any other role must give its password (so wrong passwords fail). */
  private void writeHba() {
    String hba = String.join("\n",
        "# written by dovetail test-support",
        "local all all trust",
        "host all " + PostgresServer.SUPERUSER + " 127.0.0.1/32 trust",
        "host all " + PostgresServer.SUPERUSER + " ::1/128 trust",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host all all ::1/128 scram-sha-256",
        "");
    try {
      Files.writeString(dataDir.resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("could not write pg_hba.conf in " + dataDir, e);
    }
  }

  /** Starts on a free port, retrying with another port if a concurrent process grabbed it. */
  private void startOnFreePort() {
    for (int attempt = 1; ; attempt++) {
      port = freePort();
      try {
        start();
        return;
      } catch (IllegalStateException e) {
        boolean portTaken = e.getMessage().contains("Address already in use")
            || e.getMessage().contains("could not create any TCP/IP sockets");
        if (!portTaken || attempt >= 5) {
          throw e;
        }
        pg("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
      }
    }
  }

  private String serverOptions() {
    return "-p " + port + " -k " + socketDir
        + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
        + " -c full_page_writes=off -c max_connections=200"
        // 13 still stores md5 hashes by default, which the scram-sha-256 lines of pg_hba refuse
        + " -c password_encryption=scram-sha-256";
  }

  private void check(Commands.Result r, String what) {
    if (!r.ok()) {
      throw new IllegalStateException(what + " failed for " + dataDir + " (port " + port + "): "
          + r.describe() + System.lineSeparator() + "--- server log tail ---"
          + System.lineSeparator() + logTail());
    }
  }

  private Commands.Result pg(String exe, String... args) {
    return pg(binDir, asRoot, baseDir, exe, args);
  }

  /** Runs a pg binary, as the postgres OS user when we are root. */
  private static Commands.Result pg(Path binDir, boolean asRoot, Path workDir, String exe,
      String... args) {
    List<String> cmd = new ArrayList<>();
    if (asRoot) {
      cmd.addAll(List.of(RUNUSER, "-u", OS_USER, "--"));
    }
    cmd.add(binDir.resolve(exe).toString());
    cmd.addAll(List.of(args));
    return Commands.run(workDir, TIMEOUT, cmd);
  }

  private static boolean runningAsRoot() {
    Commands.Result id = Commands.run(null, Duration.ofSeconds(30), List.of("id", "-u"));
    if (id.ok()) {
      return id.output().strip().equals("0");
    }
    return "root".equals(System.getProperty("user.name"));
  }

  private static Path tempRoot() {
    Path tmp = Path.of("/tmp");
    return Files.isDirectory(tmp) && Files.isWritable(tmp)
        ? tmp
        : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Fresh temp dir with an owner file (for the stale sweep) and a socket dir. */
  private static Path makeBaseDir(boolean asRoot) {
    try {
      Path dir = Files.createTempDirectory(tempRoot(), DIR_PREFIX);
      ProcessHandle self = ProcessHandle.current();
      long started = self.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
      Files.writeString(dir.resolve("owner"), self.pid() + " " + started);
      Files.createDirectory(dir.resolve("sock"));
      if (asRoot) {
        Commands.Result chown = Commands.run(null, TIMEOUT,
            List.of("chown", "-R", OS_USER + ":" + OS_USER, dir.toString()));
        if (!chown.ok()) {
          deleteRecursively(dir);
          throw new IllegalStateException("could not hand " + dir + " to the " + OS_USER
              + " user: " + chown.describe());
        }
      }
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("could not create a temp dir for PostgreSQL", e);
    }
  }

  /** Stops and removes clusters left behind by JVMs that died without running their hook. */
  private static void sweepStale(Path binDir, boolean asRoot) {
    try (Stream<Path> dirs = Files.list(tempRoot())) {
      dirs.filter(d -> d.getFileName().toString().startsWith(DIR_PREFIX))
          .filter(PgCluster::ownerIsDead)
          .forEach(d -> {
            if (Files.exists(d.resolve("data/postmaster.pid"))) {
              pg(binDir, asRoot, Path.of("/"), "pg_ctl", "-D", d.resolve("data").toString(),
                  "-m", "immediate", "-w", "stop");
            }
            deleteRecursively(d);
          });
    } catch (IOException | RuntimeException e) {
      // best effort: a leftover directory never stops us from starting a fresh cluster
    }
  }

  private static boolean ownerIsDead(Path dir) {
    try {
      String[] owner = Files.readString(dir.resolve("owner")).strip().split(" ");
      long pid = Long.parseLong(owner[0]);
      long started = Long.parseLong(owner[1]);
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty() || !handle.get().isAlive()) {
        return true;
      }
      // The pid may have been reused by an unrelated process: compare start times.
      Optional<Long> actual = handle.get().info().startInstant().map(i -> i.toEpochMilli());
      return started >= 0 && actual.isPresent() && actual.get() != started;
    } catch (IOException | RuntimeException e) {
      return false; // unreadable or not yet written: leave it alone
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("could not find a free TCP port", e);
    }
  }
}
