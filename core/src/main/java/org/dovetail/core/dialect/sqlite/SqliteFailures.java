package org.dovetail.core.dialect.sqlite;

import java.sql.SQLException;
import java.util.Optional;
import org.dovetail.core.dialect.Failures;
import org.dovetail.core.site.SqlErrors;

/**
 * What SQLite's errors mean: sqlite-jdbc gives no SQLSTATE, only SQLite's result code (the
 * primary code in the low byte of {@link SQLException#getErrorCode()}).
 */
final class SqliteFailures extends Failures {
    private static final int BUSY = 5;
    private static final int TOOBIG = 18;
    private static final int CONSTRAINT = 19;
    private static final int MISMATCH = 20;
    private static final int CANTOPEN = 14;
    private static final int NOTADB = 26;

    /** A failed constraint (unique, foreign key, check, not null), a value too big, a wrong type in a STRICT table. */
    @Override
    public Optional<String> refusal(SQLException e) {
        int code = code(e);
        return code == CONSTRAINT || code == MISMATCH || code == TOOBIG ? Optional.of(describe(e)) : Optional.empty();
    }

    /**
     * SQLITE_BUSY: the batch read its rows and then found that an application had written
     * meanwhile (SQLITE_BUSY_SNAPSHOT: its snapshot can no longer write), or the application held
     * the write lock for longer than the busy timeout; the batch is tried again.
     */
    @Override
    public boolean raced(SQLException e) {
        return code(e) == BUSY;
    }

    @Override
    public boolean connectionLost(Throwable e) {
        return SqlErrors.sqlCause(e).map(SqliteFailures::code).map(c -> c == CANTOPEN || c == NOTADB).orElse(false);
    }

    /** SQLITE_BUSY during install: an application held the write lock for longer than the busy timeout. */
    @Override
    public boolean lockTimeout(Throwable e) {
        return SqlErrors.sqlCause(e).map(SqliteFailures::code).map(c -> c == BUSY).orElse(false);
    }

    private static int code(SQLException e) {
        return e.getErrorCode() & 0xff;
    }
}
