package org.dovetail.core.dialect;

import java.sql.SQLException;
import java.util.Optional;
import org.dovetail.core.site.SqlErrors;

/**
 * What a database's errors mean to the sync, owned by its dialect: the engine asks these
 * questions and never reads an SQLSTATE itself. The defaults follow the SQL standard's classes
 * (08 connection, 22 data, 23 integrity, 40 transaction rollback); a dialect overrides what its
 * database says differently.
 */
public class Failures {
    /** The standard's reading, for databases that follow it. */
    public static final Failures STANDARD = new Failures();

    protected Failures() {
    }

    /** One line for the user: no statement text, the SQLSTATE appended (see {@link SqlErrors#describe}). */
    public String describe(Throwable e) {
        return SqlErrors.describe(e);
    }

    /**
     * Why the database refused a row or value the sync wrote (a unique, foreign-key, check or
     * not-null constraint, a value the column rejects), in one line naming the constraint;
     * empty when the failure is of another kind (a lost connection, a lock, a bug).
     */
    public Optional<String> refusal(SQLException e) {
        String state = state(e);
        if (!(state.startsWith("22") || state.startsWith("23"))) {
            return Optional.empty();
        }
        return Optional.of(describe(e));
    }

    /**
     * Whether a batch failed because an application wrote the same rows at the same time (a
     * serialization failure, a deadlock, a key inserted between the batch's read and its write):
     * worth trying again, then row by row.
     */
    public boolean raced(SQLException e) {
        String state = state(e);
        return state.startsWith("40") || "23505".equals(state);
    }

    /** Whether the connection is gone (the run ends: no other table could sync either). */
    public boolean connectionLost(Throwable e) {
        return SqlErrors.sqlCause(e).map(Failures::state).orElse("").startsWith("08");
    }

    /** Whether a statement failed because a lock was not granted within the lock timeout. */
    public boolean lockTimeout(Throwable e) {
        return false;
    }

    /** The SQLSTATE, never null. */
    protected static String state(SQLException e) {
        return e.getSQLState() == null ? "" : e.getSQLState();
    }
}
