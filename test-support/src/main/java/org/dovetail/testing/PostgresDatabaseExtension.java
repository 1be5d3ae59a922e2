package org.dovetail.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class its own database on the shared {@link PostgresServer}.
 *
 * <pre>{@code @RegisterExtension static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();}</pre>
 *
 * <p>beforeAll creates a database named after the test class; afterAll drops it together with
 * every extra database made by {@link #newDatabase(String)}. Register it on a static field:
 * on an instance field JUnit never calls beforeAll. Nested classes share the outer database.
 *
 * <p>{@code new PostgresDatabaseExtension()} uses the suite's server ({@link PostgresServer#get()});
 * {@code new PostgresDatabaseExtension(13)} a server of that major version
 * ({@link PostgresServer#forMajor(int)}), for tests between two versions.
 */
public final class PostgresDatabaseExtension implements BeforeAllCallback, AfterAllCallback {
  private final List<TestDatabase> extras = new ArrayList<>();
  private final Supplier<PostgresServer> serverOf;
  private TestDatabase database;
  private String ownerId;

  /** Databases on the suite's server. */
  public PostgresDatabaseExtension() {
    this.serverOf = PostgresServer::get;
  }

  /** Databases on a server of PostgreSQL {@code major} (13..18), started once per JVM. */
  public PostgresDatabaseExtension(int major) {
    this.serverOf = () -> PostgresServer.forMajor(major);
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (database != null) {
      return; // a @Nested class: keep using the enclosing class's database
    }
    PostgresServer server = serverOf.get();
    server.start(); // in case an earlier fault test left it stopped
    database = server.createDatabase(context.getRequiredTestClass().getSimpleName());
    ownerId = context.getUniqueId();
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (database == null || !context.getUniqueId().equals(ownerId)) {
      return;
    }
    PostgresServer server = database.server();
    server.start();
    List<TestDatabase> toDrop = new ArrayList<>(extras);
    toDrop.add(database);
    extras.clear();
    database = null;
    ownerId = null;
    RuntimeException failure = null;
    for (TestDatabase db : toDrop) {
      try {
        db.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The database of the current test class. */
  public synchronized TestDatabase database() {
    if (database == null) {
      throw new IllegalStateException("PostgresDatabaseExtension is not active: register it with "
          + "@RegisterExtension on a static field and use it only while the test class runs");
    }
    return database;
  }

  /** JDBC URL of the class's database. */
  public String url() {
    return database().url();
  }

  /** The user to connect as (the superuser, no password needed). */
  public String user() {
    return database().user();
  }

  /** A new superuser connection to the class's database; the caller closes it. */
  public Connection connect() throws SQLException {
    return database().connect();
  }

  /** The shared server this extension makes its databases on. */
  public PostgresServer server() {
    return serverOf.get();
  }

  /** Creates another database, dropped in afterAll together with the class's own. */
  public synchronized TestDatabase newDatabase(String prefix) {
    TestDatabase db = serverOf.get().createDatabase(prefix);
    extras.add(db);
    return db;
  }
}
