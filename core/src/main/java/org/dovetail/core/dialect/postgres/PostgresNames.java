package org.dovetail.core.dialect.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Quoting, and the names of what install adds to a table, derived from the table's name
 * and kept within PostgreSQL's 63-byte identifier limit.
 */
final class PostgresNames {
    /** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1). */
    static final int MAX_IDENTIFIER_BYTES = 63;
    private static final int HASH_CHARS = 8;

    private PostgresNames() {
    }

    /** An identifier exactly as stored in the catalog, double-quoted. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String quote(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    /** A string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String tombstone(String table) {
        return derived("dv_tomb_", table, "");
    }

    /**
     * {@code prefix + base + suffix}; when that is longer than 63 bytes, {@code base} is cut
     * and followed by a short hash of it, so that two long names still give two names.
     */
    static String derived(String prefix, String base, String suffix) {
        String full = prefix + base + suffix;
        if (bytes(full) <= MAX_IDENTIFIER_BYTES) {
            return full;
        }
        String hash = "_" + sha256(base).substring(0, HASH_CHARS);
        int room = MAX_IDENTIFIER_BYTES - bytes(prefix) - bytes(suffix) - bytes(hash);
        StringBuilder cut = new StringBuilder();
        for (int i = 0; i < base.length(); ) {
            int codePoint = base.codePointAt(i);
            String next = Character.toString(codePoint);
            if (bytes(cut + next) > room) {
                break;
            }
            cut.append(next);
            i += next.length();
        }
        return prefix + cut + hash + suffix;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String sha256(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
