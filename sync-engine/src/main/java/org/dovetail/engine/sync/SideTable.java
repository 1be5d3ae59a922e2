package org.dovetail.engine.sync;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.table;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.capture.Watermark;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.row.Values;
import org.dovetail.core.table.Bookkeeping;
import org.dovetail.core.table.TableShape;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The SQL for one table at one site, rendered by jOOQ: reading changes since a
 * watermark, locking the current state of a batch of keys, and writing received rows
 * and tombstones. Values are bound through {@link Values}, the one row codec.
 */
final class SideTable {
    private final TablePair pair;
    private final boolean sideA;
    private final Dialect dialect;
    private final DSLContext dsl;
    private final Bookkeeping bk;
    private final Table<Record> rows;
    private final Table<Record> tombs;
    private final ChangeCapture capture;

    SideTable(TablePair pair, boolean sideA, Dialect dialect, DSLContext dsl) {
        this.pair = pair;
        this.sideA = sideA;
        this.dialect = dialect;
        this.dsl = dsl;
        this.bk = dialect.bookkeeping();
        TableShape shape = pair.shape(sideA);
        this.rows = table(name(shape.schema(), shape.name()));
        this.tombs = table(name(shape.schema(), dialect.tombstoneName(shape.name())));
        this.capture = dialect.changeCapture();
    }

    TablePair pair() {
        return pair;
    }

    boolean sideA() {
        return sideA;
    }

    Dialect dialect() {
        return dialect;
    }

    DSLContext dsl() {
        return dsl;
    }

    Table<Record> rowsTable() {
        return rows;
    }

    Table<Record> tombsTable() {
        return tombs;
    }

    private Field<Object> col(String name) {
        return field(name(name));
    }

    /** The user columns (only the key's, when {@code keysOnly}) in pair order. */
    List<Field<Object>> userColumns(boolean keysOnly) {
        List<Field<Object>> out = new ArrayList<>();
        for (ColumnPair c : pair.columns()) {
            if (c.key() || !keysOnly) {
                out.add(col(c.name(sideA)));
            }
        }
        return out;
    }

    /** The user columns a write of a received row sets: all but those this site's database computes. */
    List<Field<Object>> writtenColumns() {
        return pair.columns().stream().filter(c -> c.written(sideA)).map(c -> col(c.name(sideA))).toList();
    }

    private List<SelectField<?>> bookkeepingSelect() {
        List<SelectField<?>> out = new ArrayList<>();
        for (String c : List.of(bk.version(), bk.origin(), bk.site(), bk.changedAt(), bk.seq(), bk.from())) {
            out.add(col(c));
        }
        out.add(capture.txidExpression() == null ? DSL.castNull(SQLDataType.BIGINT).as(bk.txid()) : col(bk.txid()));
        return out;
    }

    private Condition notFrom(String peerName) {
        Field<String> from = field(name(bk.from()), String.class);
        return from.isNull().or(from.ne(inline(peerName)));
    }

    /** All changes since the watermark not received from {@code peerName}, rows and tombstones, by seq. */
    String changesSince(Watermark mark, String peerName) {
        Field<Long> seq = field(name(bk.seq()), Long.class);
        Field<Long> txid = field(name(bk.txid()), Long.class);
        Condition since = capture.changedSince(mark, seq, txid);
        List<SelectField<?>> live = new ArrayList<>();
        live.add(inline(0).as("dv_dead"));
        live.addAll(userColumns(false));
        live.addAll(bookkeepingSelect());
        List<SelectField<?>> dead = new ArrayList<>();
        dead.add(inline(1));
        for (ColumnPair c : pair.columns()) {
            dead.add(c.key() ? col(c.name(sideA)) : DSL.inline((Object) null));
        }
        dead.addAll(bookkeepingSelect());
        Select<?> query = dsl.select(live).from(rows).where(since).and(notFrom(peerName))
                .unionAll(dsl.select(dead).from(tombs).where(since).and(notFrom(peerName)))
                .orderBy(DSL.field(name(bk.seq())));
        return dsl.renderInlined(query);
    }

    private List<Field<?>> orderedKey() {
        List<Field<?>> key = new ArrayList<>();
        for (ColumnPair c : pair.columns()) {
            if (c.key()) {
                key.add(c.kind() == org.dovetail.core.row.ValueKind.TEXT ? dialect.binaryOrder(col(c.name(sideA)))
                        : col(c.name(sideA)));
            }
        }
        return key;
    }

    private List<org.jooq.SortField<?>> keyOrder() {
        return orderedKey().stream().<org.jooq.SortField<?>>map(Field::asc).toList();
    }

    /** Keys above {@code lo} (when given) up to {@code hi} (when given), in verify's key order; bind with {@link #bindRange}. */
    private Condition inRange(boolean lo, boolean hi) {
        Condition c = DSL.noCondition();
        List<Field<Object>> binds = new ArrayList<>();
        pair.columns().stream().filter(ColumnPair::key).forEach(k -> binds.add(dialect.bindField(k.kind())));
        if (lo) {
            c = c.and(row(orderedKey()).gt(row(binds)));
        }
        if (hi) {
            c = c.and(row(orderedKey()).le(row(binds)));
        }
        return c;
    }

    /** Binds the range's bounds (null: open end) in the order {@link #inRange} placed them. */
    void bindRange(PreparedStatement ps, Object[] lo, Object[] hi) throws SQLException {
        int p = 1;
        for (Object[] bound : new Object[][] {lo, hi}) {
            if (bound != null) {
                for (int k = 0; k < pair.keyCount(); k++) {
                    Values.bind(ps, p++, pair.columns().get(k).kind(), bound[k]);
                }
            }
        }
    }

    /** The live rows' user values in a key range, in key order (text keys in binary order), for verify. */
    String rowsInRange(boolean lo, boolean hi) {
        return dsl.renderInlined(dsl.select(userColumns(false)).from(rows).where(inRange(lo, hi)).orderBy(keyOrder()));
    }

    /** Every {@code every}-th key in key order: the ends of verify's chunks. */
    String chunkEnds(int every) {
        Field<Integer> rn = DSL.rowNumber().over(DSL.orderBy(keyOrder())).as("dv_rn");
        List<SelectField<?>> inner = new ArrayList<>(userColumns(true));
        inner.add(rn);
        var numbered = dsl.select(inner).from(rows).asTable("dv_numbered");
        List<Field<?>> keys = new ArrayList<>();
        pair.columns().stream().filter(ColumnPair::key).forEach(k -> keys.add(numbered.field(k.name(sideA))));
        return dsl.renderInlined(dsl.select(keys).from(numbered)
                .where(DSL.field(name("dv_numbered", "dv_rn"), Integer.class).mod(every).eq(0))
                .orderBy(DSL.field(name("dv_numbered", "dv_rn"))));
    }

    /** Row count and digest of a key range computed by the database, or empty when it cannot. */
    java.util.Optional<String> chunkDigest(boolean lo, boolean hi) {
        List<Field<?>> columns = new ArrayList<>(userColumns(false));
        return dialect.chunkDigest(columns, keyOrder()).map(digest ->
                dsl.renderInlined(dsl.select(DSL.count(), digest).from(rows).where(inRange(lo, hi))));
    }

    /** The digest's database kind: digests of two sites compare only when these are equal. */
    String digestKind() {
        return dialect.name();
    }

    /** Reads one row of {@link #rowsInRange}. */
    Object[] readValues(ResultSet rs) throws SQLException {
        Object[] values = new Object[pair.columns().size()];
        for (int c = 0; c < values.length; c++) {
            values[c] = Values.read(rs, c + 1, pair.columns().get(c).kind());
        }
        return values;
    }

    /** How many rows and tombstones changed after {@code seq} other than those received from {@code peer}. */
    String countSince(long seq, String peerName) {
        Field<Long> seqField = field(name(bk.seq()), Long.class);
        Condition c = seqField.gt(seq).and(notFrom(peerName));
        return dsl.renderInlined(dsl.select(
                dsl.selectCount().from(rows).where(c).asField().plus(dsl.selectCount().from(tombs).where(c).asField())));
    }

    /** One row, if the table or its tombstones hold any. */
    String anyRowOrTombstone() {
        return dsl.renderInlined(dsl.selectOne().from(rows).unionAll(dsl.selectOne().from(tombs)).limit(1));
    }

    /** Exact row count. */
    String countRows() {
        return dsl.renderInlined(dsl.selectCount().from(rows));
    }

    /** The highest seq in the table and its tombstones, as the read transaction sees them. */
    String maxSeq() {
        Field<Long> seq = field(name(bk.seq()), Long.class);
        return dsl.renderInlined(dsl.select(DSL.greatest(
                dsl.select(DSL.coalesce(DSL.max(seq), 0L)).from(rows).asField(),
                dsl.select(DSL.coalesce(DSL.max(seq), 0L)).from(tombs).asField())));
    }

    /** Reads one row of {@link #changesSince} or {@link #lockRows}/{@link #lockTombs} results. */
    RowState read(ResultSet rs, boolean hasDeadFlag, boolean keysOnly) throws SQLException {
        int i = 1;
        boolean dead = hasDeadFlag ? rs.getInt(i++) == 1 : keysOnly;
        Object[] values = new Object[pair.columns().size()];
        for (int c = 0; c < values.length; c++) {
            ColumnPair column = pair.columns().get(c);
            if (column.key() || !keysOnly) {
                values[c] = Values.read(rs, i++, column.kind());
            }
        }
        long version = rs.getLong(i++);
        String origin = rs.getString(i++);
        String site = rs.getString(i++);
        OffsetDateTime changedAt = rs.getObject(i++, OffsetDateTime.class);
        long seq = rs.getLong(i++);
        String from = rs.getString(i++);
        long txid = rs.getLong(i);
        return new RowState(values, dead, version, origin, site, changedAt, seq, from, rs.wasNull() ? null : txid);
    }

    /** Whether a batch's keys are bound as one array ({@code key = ANY(?)}) rather than one by one. */
    boolean keysAsArray() {
        return pair.keyCount() == 1 && dialect.keyArrayType(pair.columns().get(0).kind()).isPresent();
    }

    private Condition keyIn(int count) {
        List<Field<Object>> key = userColumns(true);
        if (keysAsArray()) {
            String type = dialect.keyArrayType(pair.columns().get(0).kind()).orElseThrow();
            return DSL.condition("{0} = ANY(CAST({1} AS " + type + "[]))", key.get(0), param());
        }
        List<org.jooq.RowN> binds = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            List<Field<Object>> one = new ArrayList<>();
            for (ColumnPair c : pair.columns()) {
                if (c.key()) {
                    one.add(dialect.bindField(c.kind()));
                }
            }
            binds.add(row(one));
        }
        return row(key).in(binds);
    }

    private final java.util.Map<String, String> rendered = new java.util.HashMap<>();

    /** The statement for a purpose and batch size, rendered by jOOQ once per pass. */
    String cached(String purpose, int count, java.util.function.Supplier<String> render) {
        return rendered.computeIfAbsent(purpose + "/" + count, k -> render.get());
    }

    /** Locks and reads the live rows of {@code count} keys (bind them with {@link #bindKeys}). */
    String lockRows(int count) {
        return current(count, false, true);
    }

    /** Locks and reads the tombstones of {@code count} keys. */
    String lockTombs(int count) {
        return current(count, true, true);
    }

    /**
     * The keys among {@code count} that have a live row ({@code tombs}: a tombstone), with the
     * bookkeeping a decision needs and no user values, change time or site (read them with
     * {@code read(rs, true, true)}): the cheap first look of an unlocked batch.
     */
    String brief(int count, boolean tombs) {
        return cached("brief/" + tombs, keysAsArray() ? 0 : count, () -> {
            List<SelectField<?>> select = new ArrayList<>();
            select.add(inline(tombs ? 1 : 0).as("dv_dead"));
            select.addAll(userColumns(true));
            for (SelectField<?> f : bookkeepingSelect()) {
                boolean unused = f.getName().equals(bk.site()) || f.getName().equals(bk.changedAt());
                select.add(unused ? DSL.inline((Object) null).as(f.getName()) : f);
            }
            return dsl.renderInlined(dsl.select(select).from(tombs ? this.tombs : rows).where(keyIn(count)));
        });
    }

    /** How many of a batch's keys have a tombstone (keys bound as one array, see {@link #keysAsArray}). */
    String tombsAmong() {
        return cached("tombsAmong", 0, () -> dsl.renderInlined(dsl.selectCount().from(tombs).where(keyIn(0))));
    }

    /** Reads the live rows ({@code tombs}: the tombstones) of {@code count} keys, locking them when {@code lock}. */
    String current(int count, boolean tombs, boolean lock) {
        return cached((tombs ? "tombs/" : "rows/") + lock, keysAsArray() ? 0 : count, () -> {
            List<SelectField<?>> select = new ArrayList<>(userColumns(tombs));
            select.addAll(bookkeepingSelect());
            var query = dsl.select(select).from(tombs ? this.tombs : rows).where(keyIn(count));
            return dsl.renderInlined(lock ? query.forUpdate() : query);
        });
    }

    void bindKeys(PreparedStatement ps, List<RowKey> keys, java.sql.Connection connection) throws SQLException {
        if (keysAsArray()) {
            Object[] parts = keys.stream().map(k -> k.parts()[0]).toArray();
            String type = dialect.keyArrayType(pair.columns().get(0).kind()).orElseThrow();
            ps.setArray(1, connection.createArrayOf(type, parts));
            return;
        }
        int p = 1;
        for (RowKey key : keys) {
            for (int k = 0; k < pair.keyCount(); k++) {
                Values.bind(ps, p++, pair.columns().get(k).kind(), key.parts()[k]);
            }
        }
    }

    /** The bookkeeping a received row or tombstone brings: version, origin, site, change time, from. */
    List<Field<Object>> bookkeepingWritten() {
        return List.of(col(bk.version()), col(bk.origin()), col(bk.site()), col(bk.changedAt()), col(bk.from()));
    }

    private Field<Object> param() {
        return DSL.field("?", Object.class);
    }

    /** INSERT of a received row: user values, then version, origin, site, change time, from. */
    String insertRow() {
        return cached("insertRow", 0, this::renderInsertRow);
    }

    private String renderInsertRow() {
        List<Field<Object>> fields = new ArrayList<>(writtenColumns());
        fields.addAll(bookkeepingWritten());
        List<Field<Object>> values = new ArrayList<>();
        pair.columns().stream().filter(c -> c.written(sideA)).forEach(c -> values.add(dialect.bindField(c.kind())));
        bookkeepingWritten().forEach(f -> values.add(param()));
        return insertOverriding(fields, DSL.sql("values ({0})", DSL.list(values)));
    }

    /**
     * An INSERT of received rows into the table that writes the received values into identity
     * columns too, {@code GENERATED ALWAYS} ones included (the key a row was given where it was
     * inserted is its key everywhere); {@code source} is a VALUES list or a query.
     */
    String insertOverriding(List<Field<Object>> columns, org.jooq.QueryPart source) {
        return dsl.renderInlined(DSL.query("insert into {0} ({1}) overriding system value {2}", rows,
                DSL.list(columns), source));
    }

    /** UPDATE of a received row: version, non-key values, origin, site, change time, from; then the key. */
    String updateRow() {
        return cached("updateRow", 0, this::renderUpdateRow);
    }

    private String renderUpdateRow() {
        java.util.Map<Field<?>, Field<?>> set = new java.util.LinkedHashMap<>();
        set.put(col(bk.version()), param());
        for (ColumnPair c : pair.columns()) {
            if (!c.key() && c.written(sideA)) {
                set.put(col(c.name(sideA)), dialect.bindField(c.kind()));
            }
        }
        set.put(col(bk.origin()), param());
        set.put(col(bk.site()), param());
        set.put(col(bk.changedAt()), param());
        set.put(col(bk.from()), param());
        return dsl.renderInlined(dsl.update(rows).set(set).where(keyEquals()));
    }

    String deleteTomb() {
        return cached("deleteTomb", 0, () -> dsl.renderInlined(dsl.deleteFrom(tombs).where(keyEquals())));
    }

    String deleteRow() {
        return cached("deleteRow", 0, this::renderDeleteRow);
    }

    private String renderDeleteRow() {
        return dsl.renderInlined(dsl.deleteFrom(rows).where(keyEquals()));
    }

    /** INSERT of a received tombstone: key, version, origin, site, change time, from; seq and txid here. */
    String insertTomb() {
        return cached("insertTomb", 0, this::renderInsertTomb);
    }

    private String renderInsertTomb() {
        List<Field<Object>> fields = new ArrayList<>(userColumns(true));
        fields.addAll(bookkeepingWritten());
        fields.add(col(bk.seq()));
        List<Field<Object>> values = new ArrayList<>();
        pair.columns().stream().filter(ColumnPair::key).forEach(c -> values.add(dialect.bindField(c.kind())));
        bookkeepingWritten().forEach(f -> values.add(param()));
        values.add(DSL.field(capture.nextSeqExpression(), Object.class));
        if (capture.txidExpression() != null) {
            fields.add(col(bk.txid()));
            values.add(DSL.field(capture.txidExpression(), Object.class));
        }
        return dsl.renderInlined(dsl.insertInto(tombs).columns(fields).values(values));
    }

    /** UPDATE of a tombstone with received bookkeeping: version, origin, site, change time, from, then key. */
    String updateTomb() {
        return cached("updateTomb", 0, this::renderUpdateTomb);
    }

    private String renderUpdateTomb() {
        java.util.Map<Field<?>, Field<?>> set = new java.util.LinkedHashMap<>();
        for (Field<Object> f : bookkeepingWritten()) {
            set.put(f, param());
        }
        set.put(col(bk.seq()), DSL.field(capture.nextSeqExpression(), Object.class));
        if (capture.txidExpression() != null) {
            set.put(col(bk.txid()), DSL.field(capture.txidExpression(), Object.class));
        }
        return dsl.renderInlined(dsl.update(tombs).set(set).where(keyEquals()));
    }

    private Condition keyEquals() {
        Condition c = DSL.noCondition();
        for (ColumnPair column : pair.columns()) {
            if (column.key()) {
                c = c.and(col(column.name(sideA)).eq(dialect.bindField(column.kind())));
            }
        }
        return c;
    }
}
