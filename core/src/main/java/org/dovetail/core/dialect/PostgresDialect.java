package org.dovetail.core.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.jooq.SQLDialect;

/** PostgreSQL 13 and newer: PL/pgSQL triggers, txid snapshots, advisory locks. */
public final class PostgresDialect implements Dialect {

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public SQLDialect jooqDialect() {
        return SQLDialect.POSTGRES;
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String fold(String unquotedIdentifier) {
        return unquotedIdentifier.toLowerCase(Locale.ROOT);
    }

    @Override
    public String migrationLocation() {
        return "classpath:org/dovetail/migration/postgres";
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
        return "gen_random_uuid()::text";
    }

    @Override
    public void setApplying(Connection connection, boolean on) throws SQLException {
        throw new UnsupportedOperationException("TODO");
    }
}
