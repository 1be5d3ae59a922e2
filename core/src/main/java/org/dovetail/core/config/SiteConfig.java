package org.dovetail.core.config;

/**
 * One configured site: its name, JDBC URL, optional user, where its password comes from,
 * and its key slot (null unless {@code keys:} is configured).
 */
public record SiteConfig(String name, String url, String user, PasswordSource password, KeySlot keySlot) {

    /** A site without a key slot. */
    public SiteConfig(String name, String url, String user, PasswordSource password) {
        this(name, url, user, password, null);
    }

    /** The site's key slot, when {@code keys:} is configured. */
    public java.util.Optional<KeySlot> slot() {
        return java.util.Optional.ofNullable(keySlot);
    }

    @Override
    public String toString() {
        return name + " (" + MaskedUrl.of(url) + ")";
    }
}
