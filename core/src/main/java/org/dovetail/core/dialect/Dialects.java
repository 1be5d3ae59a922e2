package org.dovetail.core.dialect;

import java.util.List;
import org.dovetail.core.DovetailException;
import org.dovetail.core.dialect.h2.H2Dialect;
import org.dovetail.core.dialect.postgres.PostgresDialect;
import org.dovetail.core.dialect.sqlite.SqliteDialect;

/** Chooses the dialect for a JDBC URL. */
public final class Dialects {
    private static final List<Dialect> ALL = List.of(new PostgresDialect(), new H2Dialect(), new SqliteDialect());

    private Dialects() {
    }

    public static Dialect forUrl(String jdbcUrl) {
        if (org.dovetail.core.dialect.mariadb.MariaDbDialect.handles(jdbcUrl)) {
            // one instance per site: it names the site's metadata database after the URL's
            return org.dovetail.core.dialect.mariadb.MariaDbDialect.forUrl(jdbcUrl);
        }
        return ALL.stream().filter(d -> d.accepts(jdbcUrl)).findFirst()
                .orElseThrow(() -> DovetailException.usage("unsupported database URL '" + jdbcUrl
                        + "' (supported: jdbc:postgresql:, jdbc:h2:, jdbc:sqlite:, jdbc:mariadb:, jdbc:mysql:)"));
    }
}
