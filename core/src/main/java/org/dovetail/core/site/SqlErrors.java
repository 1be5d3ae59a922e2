package org.dovetail.core.site;

import java.sql.SQLException;

/** Turns a driver's exception into one line of text for the user. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** The first line of the message, without driver chatter; SQLSTATE appended when known. */
    public static String describe(Throwable e) {
        Throwable t = e;
        String message = t.getMessage();
        while ((message == null || message.isBlank()) && t.getCause() != null) {
            t = t.getCause();
            message = t.getMessage();
        }
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        String line = message.strip().lines().findFirst().orElse("").strip();
        if (e instanceof SQLException sql && sql.getSQLState() != null && !line.contains(sql.getSQLState())) {
            line = line + " [" + sql.getSQLState() + "]";
        }
        return line;
    }
}
