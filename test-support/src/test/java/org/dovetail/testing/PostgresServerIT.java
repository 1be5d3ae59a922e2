package org.dovetail.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Proves the throwaway server and the extension against a real PostgreSQL (15, or -Ddovetail.test.pg). */
class PostgresServerIT {
  @RegisterExtension
  static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

  @Test
  void databaseIsCreatedAndReachable() throws SQLException {
    assertThat(pg.url()).startsWith("jdbc:postgresql://127.0.0.1:" + pg.server().port() + "/");
    assertThat(pg.database().name()).startsWith("postgresserverit_");
    assertThat(pg.user()).isEqualTo("postgres");
    try (Connection c = pg.connect()) {
      int expected = PostgresServer.selectedMajor().orElse(15);
      assertThat(queryString(c, "select version()")).contains("PostgreSQL " + expected + ".");
      assertThat(pg.server().majorVersion()).isEqualTo(expected);
      assertThat(queryString(c, "select current_database()")).isEqualTo(pg.database().name());
    }
  }

  @Test
  void extensionDatabasesAreDistinct() throws SQLException {
    TestDatabase other = pg.newDatabase("second");
    assertThat(other.name()).isNotEqualTo(pg.database().name());
    assertThat(other.url()).isNotEqualTo(pg.url());
    try (Connection a = pg.connect(); Statement s = a.createStatement()) {
      s.execute("create table only_in_first(id int)");
    }
    try (Connection b = other.connect()) {
      assertThat(queryString(b, "select count(*) from pg_tables where tablename = 'only_in_first'"))
          .isEqualTo("0");
    }
  }

  @Test
  void closingTestDatabaseDropsIt() throws SQLException {
    PostgresServer server = pg.server();
    TestDatabase db = server.createDatabase("DropMe");
    assertThat(databaseExists(server, db.name())).isTrue();
    try (Connection open = db.connect()) { // an open session must not block the drop
      db.close();
      assertThat(databaseExists(server, db.name())).isFalse();
    }
    db.close(); // idempotent
  }

  @Test
  void databaseNamesAreSanitisedAndShort() {
    try (TestDatabase db = pg.server().createDatabase("9 Weird-Name! ".repeat(20))) {
      assertThat(db.name()).hasSizeLessThanOrEqualTo(63).matches("[a-z_][a-z0-9_]*");
    }
  }

  @Test
  void restartKeepsData() throws SQLException {
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      s.execute("create table survivor(v text)");
      s.execute("insert into survivor values ('still here')");
    }
    pg.server().restart();
    try (Connection c = pg.connect()) {
      assertThat(queryString(c, "select v from survivor")).isEqualTo("still here");
    }
  }

  @Test
  void stopThenStartComesBack() throws SQLException {
    PostgresServer server = pg.server();
    server.stop();
    assertThatThrownBy(() -> pg.connect().close()).isInstanceOf(SQLException.class);
    server.start();
    try (Connection c = pg.connect()) {
      assertThat(queryString(c, "select 1")).isEqualTo("1");
    }
  }

  @Test
  void createdRoleNeedsItsPassword() throws SQLException {
    String role = pg.server().createRole("it_role_" + ProcessHandle.current().pid(), "s3cr'et");
    try (Connection c = pg.database().connect(role, "s3cr'et")) {
      assertThat(queryString(c, "select current_user")).isEqualTo(role);
      assertThat(queryString(c, "select rolsuper::text from pg_roles where rolname = current_user"))
          .isEqualTo("false");
    }
    assertThatThrownBy(() -> pg.database().connect(role, "wrong").close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void missingBinariesFailLoudly() {
    assertThatThrownBy(() -> PgCluster.launch(Path.of("/nonexistent/pg/bin")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/nonexistent/pg/bin/initdb")
        .hasMessageContaining("not found");
  }

  @Test
  void secondClusterSweepsStaleDirsAndCleansUpAfterItself() throws Exception {
    Path stale = Files.createTempDirectory(Path.of("/tmp"), PgCluster.DIR_PREFIX);
    Files.writeString(stale.resolve("owner"), "999999999 0"); // beyond pid_max: owner is dead
    PgCluster second = PgCluster.launch(PostgresServer.binDir());
    try {
      assertThat(stale).doesNotExist();
      assertThat(second.port()).isNotEqualTo(pg.server().port());
      assertThat(second.baseDir().getFileName().toString()).startsWith(PgCluster.DIR_PREFIX);
      assertThat(second.isRunning()).isTrue();
    } finally {
      second.destroy();
    }
    assertThat(second.baseDir()).doesNotExist();
    assertThat(pg.server().baseDir()).isDirectory(); // our own live cluster is left alone
  }

  private static boolean databaseExists(PostgresServer server, String name) throws SQLException {
    try (Connection c = server.connect("postgres");
        var ps = c.prepareStatement("select count(*) from pg_database where datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }

  private static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as("a row from %s", sql).isTrue();
      return rs.getString(1);
    }
  }
}
