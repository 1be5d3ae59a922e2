package org.dovetail.core.dialect.postgres;

import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dovetail.core.table.Column;

/**
 * The PostgreSQL column types whose values Dovetail carries exactly, known by pgjdbc's
 * metadata names ({@code int4}, {@code bpchar}, {@code serial}, ...) and by the SQL names
 * {@code format_type} prints ({@code character varying(20)}, ...); how to declare such a
 * column again (the tombstone's key) and how to tell two of its values apart exactly.
 */
enum PostgresType {
    SMALLINT("smallint", "int2", "smallserial"),
    INTEGER("integer", "int4", "int", "serial"),
    BIGINT("bigint", "int8", "bigserial"),
    NUMERIC("numeric", "decimal"),
    REAL("real", "float4"),
    DOUBLE("double precision", "float8"),
    BOOLEAN("boolean", "bool"),
    // pgjdbc's "char" is the one-byte internal type, not character(n): not supported.
    CHAR("bpchar", "character"),
    VARCHAR("varchar", "character varying"),
    TEXT("text"),
    BYTEA("bytea"),
    DATE("date"),
    TIME("time", "time without time zone"),
    TIMESTAMP("timestamp", "timestamp without time zone"),
    TIMESTAMPTZ("timestamptz", "timestamp with time zone"),
    UUID("uuid"),
    JSON("json"),
    JSONB("jsonb");

    /** PostgreSQL's limits for numeric precision and for char/varchar length. */
    private static final int MAX_NUMERIC_PRECISION = 1000;
    private static final int MAX_LENGTH = 10_485_760;
    private static final Pattern MODIFIERS = Pattern.compile("\\(([^)]*)\\)");
    private static final Map<String, PostgresType> BY_NAME = new HashMap<>();

    static {
        for (PostgresType type : values()) {
            for (String name : type.names) {
                BY_NAME.put(name, type);
            }
        }
    }

    private final String sqlName;
    private final List<String> names;

    PostgresType(String sqlName, String... aliases) {
        this.sqlName = sqlName;
        List<String> all = new ArrayList<>(List.of(aliases));
        all.add(sqlName);
        this.names = List.copyOf(all);
    }

    /** The type of a column, empty when Dovetail cannot carry its values. */
    static Optional<PostgresType> of(Column column) {
        int jdbc = column.jdbcType();
        if (jdbc == Types.ARRAY || jdbc == Types.DISTINCT || jdbc == Types.STRUCT || column.typeName() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_NAME.get(baseName(column.typeName())));
    }

    /** Why a column's values cannot make the trip, naming its type as the catalog does. */
    static String unsupportedReason(Column column) {
        String name = column.typeName();
        if (column.jdbcType() == Types.ARRAY && name != null && name.startsWith("_")) {
            return "unsupported type '" + name.substring(1) + "[]'";
        }
        if (column.jdbcType() == Types.DISTINCT) {
            return "unsupported type '" + name + "' (a domain)";
        }
        if ("char".equals(name)) {
            return "unsupported type '\"char\"'"; // as PostgreSQL prints the one-byte type
        }
        return "unsupported type '" + name + "'";
    }

    /**
     * The type to declare another column holding this column's values with, e.g. the
     * tombstone table's key: {@code varchar(20)}, {@code numeric(10,2)}, {@code timestamptz}.
     * Times and timestamps are declared with full precision: they hold every value of a
     * column with less, whatever the column's scale says.
     */
    String declaration(Column column) {
        List<Integer> modifiers = modifiers(column.typeName());
        int size = modifiers.isEmpty() ? column.size() : modifiers.get(0);
        int scale = modifiers.isEmpty() ? column.scale() : modifiers.size() > 1 ? modifiers.get(1) : 0;
        return switch (this) {
            case NUMERIC -> size >= 1 && size <= MAX_NUMERIC_PRECISION ? "numeric(" + size + "," + scale + ")" : "numeric";
            case VARCHAR -> size >= 1 && size <= MAX_LENGTH ? "varchar(" + size + ")" : "varchar";
            case CHAR -> size >= 1 && size <= MAX_LENGTH ? "char(" + size + ")" : "bpchar";
            default -> sqlName;
        };
    }

    /**
     * Where the column goes in the row images the trigger compares to tell whether an UPDATE
     * changed anything (docs/bookkeeping.md): fixed-size values first, then variable-length
     * ones, json and jsonb (often large) last, so that a difference is found early.
     */
    int comparisonOrder() {
        return switch (this) {
            case JSON, JSONB -> 2;
            case NUMERIC, CHAR, VARCHAR, TEXT, BYTEA -> 1;
            default -> 0;
        };
    }

    /** Whether the type has a collation (a key of it is compared under the tombstone's). */
    boolean collatable() {
        return this == CHAR || this == VARCHAR || this == TEXT;
    }

    /** {@code character varying(20)} gives {@code character varying}; case and spaces normalised. */
    private static String baseName(String typeName) {
        return MODIFIERS.matcher(typeName).replaceAll("").trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static List<Integer> modifiers(String typeName) {
        Matcher m = MODIFIERS.matcher(typeName == null ? "" : typeName);
        List<Integer> modifiers = new ArrayList<>();
        if (m.find()) {
            for (String part : m.group(1).split(",")) {
                try {
                    modifiers.add(Integer.parseInt(part.trim()));
                } catch (NumberFormatException e) {
                    return List.of();
                }
            }
        }
        return modifiers;
    }
}
