package org.dovetail.core.dialect.postgres;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** PostgreSQL's error reports: the server's detail line (which key, which value) beside its message. */
final class PostgresErrors {
    private PostgresErrors() {
    }

    /** The line with the server's detail appended, when it sent one. */
    static String withDetail(SQLException e, String message) {
        String line = message.startsWith("ERROR: ") ? message.substring("ERROR: ".length()) : message;
        SQLException cause = e instanceof java.sql.BatchUpdateException && e.getNextException() != null
                ? e.getNextException() : e;
        ServerErrorMessage server = cause instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (server == null || server.getDetail() == null || line.contains(server.getDetail())) {
            return line;
        }
        String detail = server.getDetail().strip().lines().findFirst().orElse("");
        int state = line.lastIndexOf(" [");
        return state > 0 ? line.substring(0, state) + ": " + detail + line.substring(state)
                : line + ": " + detail;
    }
}
