package org.dovetail.core.site;

import java.sql.SQLException;

/** Turns a driver's exception into one line of text for the user. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** The first line of the message, without driver chatter; SQLSTATE appended when known. */
    public static String describe(Throwable e) {
        if (e instanceof java.sql.BatchUpdateException batch && batch.getNextException() != null) {
            // the batch's own message spells out the statement; the next exception says what went wrong
            return describe(batch.getNextException());
        }
        java.util.Optional<SQLException> wrapped = sqlCause(e);
        if (wrapped.isPresent() && wrapped.get() != e) {
            return describe(wrapped.get());
        }
        Throwable t = e;
        String message = t.getMessage();
        while ((message == null || message.isBlank()) && t.getCause() != null) {
            t = t.getCause();
            message = t.getMessage();
        }
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        String line = withoutStatement(message.strip().lines().findFirst().orElse("").strip());
        if (e instanceof SQLException sql && sql.getSQLState() != null && !line.contains(sql.getSQLState())) {
            line = line + " [" + sql.getSQLState() + "]";
        }
        return line;
    }

    /** A message without the statement some drivers append (H2: {@code ...; SQL statement: ...}). */
    private static String withoutStatement(String line) {
        int at = line.indexOf("; SQL statement:");
        // the MariaDB driver's "(conn=12) " names a server thread, nothing the user can act on
        return (at < 0 ? line : line.substring(0, at)).replaceFirst("^\\(conn=\\d+\\)\\s*", "");
    }

    /** The driver's exception behind a wrapper (jOOQ's DataAccessException, say), if any. */
    public static java.util.Optional<SQLException> sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return java.util.Optional.of(sql);
            }
        }
        return java.util.Optional.empty();
    }
}
