package org.dovetail.core.dialect.mariadb;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.dovetail.core.table.Column;

/**
 * MariaDB's column types as the MariaDB driver's metadata names them ({@code VARCHAR},
 * {@code INT UNSIGNED}, ...): which Dovetail carries exactly (docs/bookkeeping.md, "MariaDB",
 * for the mapping against PostgreSQL's) and how an UPDATE's old and new values are compared.
 */
final class MariaDbTypes {
    private static final Set<String> SUPPORTED = Set.of(
            "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT",
            "TINYINT UNSIGNED", "SMALLINT UNSIGNED", "MEDIUMINT UNSIGNED", "INT UNSIGNED", "INTEGER UNSIGNED",
            "DECIMAL", "DECIMAL UNSIGNED", "NUMERIC", "FLOAT", "DOUBLE", "REAL", "BOOLEAN", "BOOL", "BIT",
            "CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "JSON",
            "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB",
            "DATE", "TIME", "DATETIME", "TIMESTAMP", "UUID");
    private static final Set<String> BYTES = Set.of("CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT",
            "JSON", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB");

    private MariaDbTypes() {
    }

    static Optional<String> unsupportedReason(Column column) {
        String type = upper(column);
        if (type.equals("BIT") && column.size() > 1) {
            return Optional.of("unsupported type 'bit(" + column.size() + ")'");
        }
        if (type.equals("BIGINT UNSIGNED")) {
            return Optional.of("unsupported type 'bigint unsigned' (values above 2^63-1 do not fit other sites)");
        }
        if (type.equals("BINARY")) {
            return Optional.of("unsupported type 'binary(" + column.size() + ")' (it pads values with zero bytes:"
                    + " use varbinary)");
        }
        if (SUPPORTED.contains(type)) {
            return Optional.empty();
        }
        return Optional.of("unsupported type '" + column.typeName().toLowerCase(Locale.ROOT) + "'");
    }

    /** Whether the trigger compares old and new values byte for byte rather than by the column's collation. */
    static boolean comparedAsBytes(Column column) {
        return BYTES.contains(upper(column));
    }

    private static String upper(Column column) {
        return column.typeName() == null ? "" : column.typeName().toUpperCase(Locale.ROOT).trim();
    }
}
