package org.dovetail.core.dialect.h2;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.dovetail.core.table.Column;

/** H2's column types as its JDBC metadata names them: which Dovetail carries, and their DDL. */
final class H2Types {
    /** TYPE_NAME values of H2 2.3's DatabaseMetaData.getColumns whose values survive the trip exactly. */
    private static final Set<String> SUPPORTED = Set.of(
            "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "NUMERIC", "DECIMAL", "REAL", "DOUBLE PRECISION",
            "FLOAT", "BOOLEAN", "CHARACTER", "CHARACTER VARYING", "VARCHAR_IGNORECASE",
            "CHARACTER LARGE OBJECT", "BINARY", "BINARY VARYING", "BINARY LARGE OBJECT", "DATE", "TIME",
            "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "UUID", "JSON");

    private H2Types() {
    }

    static Optional<String> unsupportedReason(Column column) {
        if (SUPPORTED.contains(upper(column))) {
            return Optional.empty();
        }
        return Optional.of("unsupported type '" + column.typeName() + "'");
    }

    /** The column's type as DDL, precise enough to hold the same values (used for tombstone keys). */
    static String ddl(Column column) {
        String type = upper(column);
        return switch (type) {
            case "CHARACTER", "CHARACTER VARYING", "VARCHAR_IGNORECASE", "BINARY", "BINARY VARYING", "FLOAT" ->
                    type + "(" + column.size() + ")";
            case "NUMERIC", "DECIMAL" -> type + "(" + column.size() + ", " + column.scale() + ")";
            case "TIME", "TIMESTAMP" -> type + "(" + column.scale() + ")";
            case "TIMESTAMP WITH TIME ZONE" -> "TIMESTAMP(" + column.scale() + ") WITH TIME ZONE";
            default -> type;
        };
    }

    private static String upper(Column column) {
        return column.typeName().toUpperCase(Locale.ROOT);
    }
}
