package org.dovetail.core.dialect.mariadb;

import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dovetail.core.site.SqlErrors;

/**
 * MariaDB's refusals as one line each, naming table, key and constraint but never a statement:
 * the server's texts carry SQL fragments (a foreign key's whole definition, "near '...'"), and
 * the driver prefixes {@code (conn=N)}.
 */
final class MariaDbErrors {
    private static final Pattern CONN = Pattern.compile("^\\(conn=\\d+\\)\\s*");
    /** 1451/1452: "... a foreign key constraint fails (`db`.`t`, CONSTRAINT `fk` FOREIGN KEY (...) REFERENCES ...)". */
    private static final Pattern FOREIGN_KEY = Pattern.compile(
            "(Cannot (?:add or update a child|delete or update a parent) row): a foreign key constraint fails"
                    + " \\((`[^`]*`\\.`[^`]*`), CONSTRAINT (`[^`]*`).*");
    private static final Pattern NEAR = Pattern.compile("\\s*near '.*", Pattern.DOTALL);

    /** Error codes of the refusals a received row can meet (duplicate key, foreign keys, check, value). */
    private static final java.util.Set<Integer> REFUSALS = java.util.Set.of(
            1062, 1451, 1452, 4025, 1406, 1048, 1264, 1265, 1292, 1366, 3819, 1690, 4078);

    private MariaDbErrors() {
    }

    /** One line for the user: the driver's prefix, foreign key definitions and statement fragments left out. */
    static String describe(SQLException e) {
        if (e.getErrorCode() == 1418 || e.getErrorCode() == 1419) {
            // binary logging on: only SUPER may create Dovetail's functions and triggers, unless the server trusts creators
            return "the server logs binary (log_bin) and this user may not create functions and triggers there: set"
                    + " log_bin_trust_function_creators = 1 on the server (SET GLOBAL, and in its configuration),"
                    + " or install as a user with SUPER [" + e.getSQLState() + "]";
        }
        String line = CONN.matcher(SqlErrors.describe(e)).replaceFirst("");
        Matcher fk = FOREIGN_KEY.matcher(line);
        if (fk.matches()) {
            line = fk.group(1) + ": foreign key constraint " + fk.group(3) + " of " + fk.group(2) + " fails";
            if (e.getSQLState() != null) {
                line += " [" + e.getSQLState() + "]";
            }
        }
        return NEAR.matcher(line).replaceFirst(e.getSQLState() == null ? "" : " [" + e.getSQLState() + "]");
    }

    /** The refusal, when the server refused a row or value (unique, foreign key, check, length, range). */
    static Optional<String> refusal(SQLException e) {
        SQLException cause = SqlErrors.sqlCause(e).orElse(e);
        if (e instanceof java.sql.BatchUpdateException b && b.getNextException() != null) {
            cause = b.getNextException();
        }
        boolean refused = REFUSALS.contains(cause.getErrorCode()) || (cause.getSQLState() != null
                && (cause.getSQLState().startsWith("22") || cause.getSQLState().startsWith("23")));
        return refused ? Optional.of(describe(cause)) : Optional.empty();
    }
}
