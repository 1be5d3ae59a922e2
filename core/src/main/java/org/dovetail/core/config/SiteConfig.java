package org.dovetail.core.config;

/** One configured site: its name, JDBC URL, optional user and where its password comes from. */
public record SiteConfig(String name, String url, String user, PasswordSource password) {

    @Override
    public String toString() {
        return name + " (" + MaskedUrl.of(url) + ")";
    }
}
