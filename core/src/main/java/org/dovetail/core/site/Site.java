package org.dovetail.core.site;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.MaskedUrl;
import org.dovetail.core.config.SiteConfig;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.dialect.Dialects;

/** One configured database, with the dialect its URL selects; opens connections to it. */
public final class Site {
    private final SiteConfig config;
    private final Dialect dialect;
    private final Map<String, String> environment;

    private Site(SiteConfig config, Dialect dialect, Map<String, String> environment) {
        this.config = config;
        this.dialect = dialect;
        this.environment = environment;
    }

    /** Resolves the dialect and checks the password source before any connection is made. */
    public static Site of(SiteConfig config, Map<String, String> environment) {
        Site site = new Site(config, Dialects.forUrl(config.url()), Map.copyOf(environment));
        config.password().read(site.environment);
        return site;
    }

    public String name() {
        return config.name();
    }

    public Dialect dialect() {
        return dialect;
    }

    public SiteConfig config() {
        return config;
    }

    /** The URL with any password masked. */
    public String displayUrl() {
        return MaskedUrl.of(config.url());
    }

    /** Opens a new connection with autocommit off; failures name the site, never the password. */
    public Connection connect() {
        return connect(Map.of());
    }

    /** As {@link #connect()}, with some connection properties set otherwise (Flyway's connections). */
    public Connection connect(Map<String, String> overrides) {
        Properties props = new Properties();
        if (config.user() != null) {
            props.setProperty("user", config.user());
        }
        String password = config.password().read(environment).orElse(null);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.putAll(dialect.connectionProperties());
        props.putAll(overrides);
        try {
            String url = dialect.driverUrl(config.url());
            Connection connection = dialect.driver().connect(url, props);
            if (connection == null) {
                // a driver declines a URL it does not take (DriverManager's "no suitable driver")
                throw new SQLException("the " + dialect.name() + " driver does not accept the URL", "08001");
            }
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            throw DovetailException.failed("cannot connect to site '" + name() + "' (" + displayUrl() + "): "
                    + scrub(SqlErrors.describe(e), password), null);
        }
    }

    private static String scrub(String message, String password) {
        return password == null || password.isEmpty() ? message : message.replace(password, "***");
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
