package org.dovetail.core.dialect.mariadb;

import java.sql.SQLException;
import java.util.Optional;
import org.dovetail.core.dialect.Failures;
import org.dovetail.core.site.SqlErrors;

/**
 * MariaDB's errors, told by their error codes: the server gives one SQLSTATE (23000) to every
 * integrity error and HY000 to many others.
 */
final class MariaDbFailures extends Failures {
    /** 1213 deadlock, 1205 lock wait timeout, 1062 duplicate key (an application inserted the key meanwhile). */
    private static final java.util.Set<Integer> RACES = java.util.Set.of(1213, 1205, 1062);
    /** The server went away or the connection broke (CR_SERVER_GONE_ERROR, CR_SERVER_LOST, shutdown). */
    private static final java.util.Set<Integer> LOST = java.util.Set.of(2006, 2013, 1053, 1927);

    @Override
    public String describe(Throwable e) {
        return SqlErrors.sqlCause(e).map(MariaDbErrors::describe).orElseGet(() -> super.describe(e));
    }

    @Override
    public Optional<String> refusal(SQLException e) {
        return MariaDbErrors.refusal(e);
    }

    @Override
    public boolean raced(SQLException e) {
        return super.raced(e) || RACES.contains(cause(e).getErrorCode());
    }

    @Override
    public boolean connectionLost(Throwable e) {
        return super.connectionLost(e) || SqlErrors.sqlCause(e).map(s -> LOST.contains(s.getErrorCode())).orElse(false);
    }

    /** 1205: innodb_lock_wait_timeout or lock_wait_timeout (a metadata lock) ran out. */
    @Override
    public boolean lockTimeout(Throwable e) {
        return SqlErrors.sqlCause(e).map(s -> s.getErrorCode() == 1205).orElse(false);
    }

    private static SQLException cause(SQLException e) {
        return e instanceof java.sql.BatchUpdateException b && b.getNextException() != null ? b.getNextException() : e;
    }
}
