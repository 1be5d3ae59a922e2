package org.dovetail.core.dialect.postgres;

import java.sql.SQLException;
import java.util.Optional;
import org.dovetail.core.dialect.Failures;
import org.dovetail.core.site.SqlErrors;

/** PostgreSQL's errors: 40P01 deadlocks, 57P0x shutdowns, 55P03 lock timeouts, the server's detail line. */
final class PostgresFailures extends Failures {

    /** The standard's line with the server's detail (which key, which value) appended. */
    @Override
    public Optional<String> refusal(SQLException e) {
        return super.refusal(e).map(line -> PostgresErrors.withDetail(e, line));
    }

    /** An administrator's shutdown or a crash of the server (57P01..57P03) ends the run like a lost connection. */
    @Override
    public boolean connectionLost(Throwable e) {
        return super.connectionLost(e)
                || SqlErrors.sqlCause(e).map(s -> state(s).startsWith("57P0")).orElse(false);
    }

    /** 55P03, lock_not_available: lock_timeout ran out (or NOWAIT). */
    @Override
    public boolean lockTimeout(Throwable e) {
        return SqlErrors.sqlCause(e).map(s -> "55P03".equals(s.getSQLState())).orElse(false);
    }
}
