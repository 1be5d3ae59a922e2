package org.dovetail.core.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.jooq.SQLDialect;

/** H2 2.x: Java triggers (module sql), session flags, row locks. */
public final class H2Dialect implements Dialect {

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public SQLDialect jooqDialect() {
        return SQLDialect.H2;
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:");
    }

    @Override
    public String fold(String unquotedIdentifier) {
        return unquotedIdentifier.toUpperCase(Locale.ROOT);
    }

    @Override
    public String migrationLocation() {
        return "classpath:org/dovetail/migration/h2";
    }

    @Override
    public Optional<String> unsupportedReason(Column column) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public List<String> installSql(TableShape table, String siteName) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public List<String> uninstallSql(TableShape table) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public String newOriginExpression() {
        return "CAST(RANDOM_UUID() AS VARCHAR)";
    }

    @Override
    public void setApplying(Connection connection, boolean on) throws SQLException {
        throw new UnsupportedOperationException("TODO");
    }
}
