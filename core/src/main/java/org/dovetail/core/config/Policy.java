package org.dovetail.core.config;

import java.util.Locale;
import java.util.Optional;

/**
 * A conflict policy (SPEC section 4): {@code version}, {@code prefer:SITE}, {@code newest}
 * or {@code manual}.
 */
public record Policy(Kind kind, String preferredSite) {

    /** The four kinds of policy. */
    public enum Kind { VERSION, PREFER, NEWEST, MANUAL }

    public static final Policy VERSION = new Policy(Kind.VERSION, null);

    /** Parses the configuration text; empty when it is not a policy. */
    public static Optional<Policy> parse(String text) {
        String t = text.trim();
        if (t.startsWith("prefer:") && t.length() > "prefer:".length()) {
            return Optional.of(new Policy(Kind.PREFER, t.substring("prefer:".length()).trim()));
        }
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "version" -> Optional.of(VERSION);
            case "newest" -> Optional.of(new Policy(Kind.NEWEST, null));
            case "manual" -> Optional.of(new Policy(Kind.MANUAL, null));
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return kind == Kind.PREFER ? "prefer:" + preferredSite : kind.name().toLowerCase(Locale.ROOT);
    }
}
