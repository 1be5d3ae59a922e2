package org.dovetail.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A uniquely named database on the shared {@link PostgresServer}; {@link #close()} drops it. */
public final class TestDatabase implements AutoCloseable {
  private final PostgresServer server;
  private final String name;
  private final AtomicBoolean closed = new AtomicBoolean();

  TestDatabase(PostgresServer server, String name) {
    this.server = server;
    this.name = name;
  }

  /** The database name (lowercase, at most 63 characters). */
  public String name() {
    return name;
  }

  /** JDBC URL of this database, without credentials. */
  public String url() {
    return server.jdbcUrl(name);
  }

  /** The superuser that owns the database and needs no password. */
  public String user() {
    return server.superuser();
  }

  /** The server this database lives on. */
  public PostgresServer server() {
    return server;
  }

  /** A new superuser connection to this database; the caller closes it. */
  public Connection connect() throws SQLException {
    return server.connect(name);
  }

  /** A new connection to this database as {@code user} with {@code password} (may be null). */
  public Connection connect(String user, String password) throws SQLException {
    return server.connect(name, user, password);
  }

  /** Drops the database, forcibly disconnecting open sessions; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.dropDatabase(name);
    }
  }

  @Override
  public String toString() {
    return "TestDatabase[" + url() + "]";
  }
}
