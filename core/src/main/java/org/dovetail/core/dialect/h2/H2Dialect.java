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
    /** The trigger classes of module sql; named, not referenced, as they run inside the database. */
    static final String TRIGGER_CLASS = "org.dovetail.sql.h2.ChangeTrigger";
    /** After an UPDATE that moved rows to other keys, removes tombstones of keys that are alive. */
    static final String KEYS_TRIGGER_CLASS = "org.dovetail.sql.h2.KeyMoveTrigger";

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
        return H2Types.unsupportedReason(column);
    }

    /**
     * Columns, index, tombstone table, triggers; each statement is a no-op when its object
     * exists, and the triggers are re-created so that they re-read the table's columns.
     * {@code siteName} is not needed: the trigger reads it from {@code DOVETAIL.SITE}.
     */
    @Override
    public List<String> installSql(TableShape table, String siteName) {
        Bookkeeping bk = bookkeeping();
        String target = qualified(table, table.name());
        String tomb = qualified(table, tombstoneName(table.name()));
        List<String> sql = new ArrayList<>();
        for (String column : bookkeepingColumns(bk)) {
            // INVISIBLE: SELECT * and INSERT without a column list see the table as before install
            sql.add("ALTER TABLE " + target + " ADD COLUMN IF NOT EXISTS " + column + " INVISIBLE");
        }
        sql.add("CREATE INDEX IF NOT EXISTS " + qualified(table, seqIndex(table.name())) + " ON " + target
                + " (" + quote(bk.seq()) + ")");
        List<String> tombColumns = new ArrayList<>();
        for (Column key : table.keyColumns()) {
            tombColumns.add(quote(key.name()) + " " + H2Types.ddl(key) + " NOT NULL");
        }
        tombColumns.addAll(bookkeepingColumns(bk));
        tombColumns.add("CONSTRAINT " + quote(tombstoneName(table.name()) + "_PK") + " PRIMARY KEY ("
                + quotedList(table.primaryKey()) + ")");
        sql.add("CREATE TABLE IF NOT EXISTS " + tomb + " (" + String.join(", ", tombColumns) + ")");
        sql.add("CREATE INDEX IF NOT EXISTS " + qualified(table, seqIndex(tombstoneName(table.name()))) + " ON "
                + tomb + " (" + quote(bk.seq()) + ")");
        // H2 fires no trigger on TRUNCATE, but refuses it on a table that a foreign key references:
        // the key referencing itself holds for every row and needs no index of its own
        sql.add("ALTER TABLE " + target + " ADD CONSTRAINT IF NOT EXISTS " + qualified(table, noTruncateName(table))
                + " FOREIGN KEY (" + quotedList(table.primaryKey()) + ") REFERENCES " + target + " ("
                + quotedList(table.primaryKey()) + ")");
        sql.add("DROP TRIGGER IF EXISTS " + qualified(table, triggerName(table)));
        sql.add("DROP TRIGGER IF EXISTS " + qualified(table, keysTriggerName(table)));
        sql.add("CREATE TRIGGER " + qualified(table, triggerName(table)) + " BEFORE INSERT, UPDATE, DELETE ON "
                + target + " FOR EACH ROW CALL '" + TRIGGER_CLASS + "'");
        sql.add("CREATE TRIGGER " + qualified(table, keysTriggerName(table)) + " AFTER UPDATE ON " + target
                + " FOR EACH STATEMENT CALL '" + KEYS_TRIGGER_CLASS + "'");
        return sql;
    }

    /** Triggers, TRUNCATE guard, index, columns (one statement, so H2 copies the table once) and tombstone table. */
    @Override
    public List<String> uninstallSql(TableShape table) {
        Bookkeeping bk = bookkeeping();
        List<String> columns = List.of(bk.version(), bk.origin(), bk.site(), bk.changedAt(), bk.seq(), bk.from());
        return List.of(
                "DROP TRIGGER IF EXISTS " + qualified(table, triggerName(table)),
                "DROP TRIGGER IF EXISTS " + qualified(table, keysTriggerName(table)),
                "ALTER TABLE IF EXISTS " + qualified(table, table.name()) + " DROP CONSTRAINT IF EXISTS "
                        + qualified(table, noTruncateName(table)),
                "DROP INDEX IF EXISTS " + qualified(table, seqIndex(table.name())),
                "ALTER TABLE IF EXISTS " + qualified(table, table.name()) + " DROP COLUMN IF EXISTS "
                        + quotedList(columns),
                "DROP TABLE IF EXISTS " + qualified(table, tombstoneName(table.name())));
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

    /** The six H2 bookkeeping columns with their types (no DV_TXID on H2: see DOVETAIL.SAFE_SEQ). */
    private static List<String> bookkeepingColumns(Bookkeeping bk) {
        return List.of(
                quote(bk.version()) + " BIGINT",
                quote(bk.origin()) + " VARCHAR(36)",
                quote(bk.site()) + " VARCHAR(64)",
                quote(bk.changedAt()) + " TIMESTAMP WITH TIME ZONE",
                quote(bk.seq()) + " BIGINT",
                quote(bk.from()) + " VARCHAR(64)");
    }

    private String triggerName(TableShape table) {
        return fold("dv_trg_") + table.name();
    }

    private String keysTriggerName(TableShape table) {
        return triggerName(table) + fold("_keys");
    }

    /** The foreign key of the table's primary key to itself that makes H2 refuse TRUNCATE. */
    private String noTruncateName(TableShape table) {
        return table.name() + fold("_dv_no_truncate");
    }

    private String seqIndex(String tableName) {
        return tableName + fold("_dv_seq_idx");
    }

    private static String qualified(TableShape table, String name) {
        return quote(table.schema()) + "." + quote(name);
    }

    private static String quotedList(List<String> names) {
        return names.stream().map(H2Dialect::quote).collect(Collectors.joining(", "));
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
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
