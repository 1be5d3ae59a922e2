package org.dovetail.core.dialect.mariadb;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Names of what Dovetail adds at a MariaDB site: MariaDB allows 64 characters for a table,
 * trigger, index or database name, so a name that would be longer is cut and given a hash of
 * the whole, which keeps it unique and the same on every install.
 */
final class MariaDbNames {
    static final int MAX = 64;

    private MariaDbNames() {
    }

    /** The metadata database of the site whose database is {@code database}: {@code <database>_dovetail}. */
    static String metaDatabase(String database) {
        return fit(database, "_dovetail");
    }

    static String tombstone(String table) {
        return fit("dv_tomb_" + table, "");
    }

    static String guard(String table) {
        return fit("dv_guard_" + table, "");
    }

    static String trigger(String table, String event) {
        return fit("dv_" + event + "_" + table, "");
    }

    static String seqIndex(String table) {
        return fit(table, "_dv_seq_idx");
    }

    /** {@code base + suffix}, with base cut and hashed when the whole is longer than 64 characters. */
    static String fit(String base, String suffix) {
        String whole = base + suffix;
        if (whole.length() <= MAX) {
            return whole;
        }
        String hash = "_" + hash(whole).substring(0, 8);
        return base.substring(0, MAX - suffix.length() - hash.length()) + hash + suffix;
    }

    static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    static String qualified(String database, String name) {
        return quote(database) + "." + quote(name);
    }

    static String quotedList(List<String> names) {
        return names.stream().map(MariaDbNames::quote).collect(Collectors.joining(", "));
    }

    /** An SQL string literal (standard quoting; NO_BACKSLASH_ESCAPES may be off, so backslashes are doubled). */
    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
