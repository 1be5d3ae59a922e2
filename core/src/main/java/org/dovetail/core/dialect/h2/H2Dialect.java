package org.dovetail.core.dialect.h2;

import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.dialect.Sequences;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.dovetail.core.table.Bookkeeping;
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
    public java.sql.Driver driver() {
        return new org.h2.Driver();
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
        return H2Types.unsupportedReason(column);
    }

    /**
     * Columns, index, tombstone table, TRUNCATE guard, triggers (install-table.sql); each statement
     * is a no-op when its object exists, and the triggers are re-created so that they re-read the
     * table's columns. {@code siteName} is not needed: the trigger reads it from {@code DOVETAIL.SITE}.
     */
    @Override
    public List<String> installSql(TableShape table, String siteName, boolean trackColumns) {
        return H2Scripts.install(table, trackColumns);
    }

    /** Triggers, TRUNCATE guard, index, columns and tombstone table (uninstall.sql). */
    @Override
    public List<String> uninstallSql(TableShape table) {
        return H2Scripts.uninstall(table);
    }

    /** SQL's {@code OVERRIDING SYSTEM VALUE}. */
    @Override
    public Optional<String> identityOverride() {
        return Optional.of("overriding system value");
    }

    @Override
    public String newOriginExpression() {
        return "CAST(RANDOM_UUID() AS VARCHAR)";
    }

    /** Per session on H2 (not per transaction): stays as set until set again. */
    @Override
    public void setApplying(Connection connection, boolean on) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("CALL " + metaSchema() + ".SET_APPLYING(?)")) {
            ps.setBoolean(1, on);
            ps.execute();
        }
    }

    @Override
    public org.dovetail.core.capture.ChangeCapture changeCapture() {
        return CAPTURE;
    }

    @Override
    public Optional<org.dovetail.core.capture.PairLock> tryLockPair(Connection connection, String pairKey)
            throws SQLException {
        return H2PairLock.tryTake(connection, pairKey);
    }

    @Override
    public org.jooq.Field<Object> bindField(org.dovetail.core.row.ValueKind kind) {
        return kind == org.dovetail.core.row.ValueKind.JSON
                ? org.jooq.impl.DSL.field("? FORMAT JSON", Object.class) : Dialect.super.bindField(kind);
    }

    private static final org.dovetail.core.capture.ChangeCapture CAPTURE = new H2ChangeCapture();

    @Override
    public Sequences sequences() {
        return new H2Sequences(this);
    }

    /** A mistyped file path must not create an empty database: only existing ones are opened. */
    @Override
    public java.util.Map<String, String> connectionProperties() {
        return java.util.Map.of("IFEXISTS", "TRUE");
    }
}
