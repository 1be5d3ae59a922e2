package org.dovetail.core.table;

import java.util.Objects;

/**
 * A table as the configuration names it: an optional schema and a name, each either
 * quoted (case kept) or unquoted (folded by the database's own rules).
 */
public record TableName(String schema, boolean schemaQuoted, String name, boolean nameQuoted) {

    public TableName {
        Objects.requireNonNull(name, "name");
    }

    /** Parses {@code table}, {@code schema.table}, with optional double quotes around each part. */
    public static TableName parse(String text) {
        String s = text.trim();
        int dot = splitPoint(s);
        if (dot < 0) {
            return new TableName(null, false, unquote(s), isQuoted(s));
        }
        String schema = s.substring(0, dot);
        String name = s.substring(dot + 1);
        return new TableName(unquote(schema), isQuoted(schema), unquote(name), isQuoted(name));
    }

    private static int splitPoint(String s) {
        boolean inQuotes = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == '.' && !inQuotes) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isQuoted(String part) {
        return part.length() >= 2 && part.startsWith("\"") && part.endsWith("\"");
    }

    private static String unquote(String part) {
        return isQuoted(part) ? part.substring(1, part.length() - 1).replace("\"\"", "\"") : part;
    }

    /** The name as the user wrote it, for messages. */
    @Override
    public String toString() {
        String n = nameQuoted ? '"' + name + '"' : name;
        if (schema == null) {
            return n;
        }
        return (schemaQuoted ? '"' + schema + '"' : schema) + "." + n;
    }
}
