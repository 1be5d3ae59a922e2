package org.dovetail.core.site;

import java.sql.Connection;
import org.dovetail.core.dialect.Dialect;
import org.jooq.DSLContext;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/** Builds jOOQ contexts for a site's connection, with jOOQ's banners switched off. */
public final class Dsl {
    static {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    private Dsl() {
    }

    public static DSLContext of(Connection connection, Dialect dialect) {
        Settings settings = new Settings()
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED)
                .withExecuteLogging(false)
                .withDiagnosticsLogging(false);
        return DSL.using(connection, dialect.jooqDialect(), dialect.jooqSettings(settings));
    }
}
