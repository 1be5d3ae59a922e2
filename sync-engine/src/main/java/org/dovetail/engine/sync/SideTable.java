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
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.row.Values;
import org.dovetail.core.table.Bookkeeping;
import org.dovetail.core.table.TableShape;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * One table at one site as the sync's SQL sees it: its row and tombstone tables, its columns
 * in pair order, a batch of keys looked up (and locked) by key, and results read through
 * {@link Values}, the one row codec. Each caller's statements are in a class of its own:
 * {@link ChangeSql} reads changes, {@link WriteSql} writes received rows, {@link RangeSql}
 * walks key ranges for verify and {@link CountSql} counts for status.
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

    Bookkeeping bookkeeping() {
        return bk;
    }

    ChangeCapture capture() {
        return capture;
    }

    Field<Object> col(String name) {
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

    /** The bookkeeping {@link #read} reads, of the rows ({@code tombs}: of the tombstones, which have no dv_cols). */
    List<SelectField<?>> bookkeepingSelect(boolean tombs) {
        List<SelectField<?>> out = new ArrayList<>();
        for (String c : List.of(bk.version(), bk.origin(), bk.site(), bk.changedAt(), bk.seq(), bk.from())) {
            out.add(col(c));
        }
        out.add(capture.txidExpression() == null ? DSL.castNull(SQLDataType.BIGINT).as(bk.txid()) : col(bk.txid()));
        out.add(pair.columnMerge() && !tombs ? col(bk.cols()) : DSL.castNull(SQLDataType.VARCHAR).as(bk.cols()));
        return out;
    }

    Condition notFrom(String peerName) {
        Field<String> from = field(name(bk.from()), String.class);
        return from.isNull().or(from.ne(inline(peerName)));
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
        OffsetDateTime changedAt = (OffsetDateTime) Values.read(rs, i++, org.dovetail.core.row.ValueKind.TIMESTAMPTZ);
        long seq = rs.getLong(i++);
        String from = rs.getString(i++);
        long txid = rs.getLong(i++);
        Long knownTxid = rs.wasNull() ? null : txid;
        return new RowState(values, dead, version, origin, site, changedAt, seq, from, knownTxid, rs.getString(i), false);
    }

    /** Whether a batch's keys are bound as one array ({@code key = ANY(?)}) rather than one by one. */
    boolean keysAsArray() {
        return pair.keyCount() == 1 && dialect.keyArrayType(pair.columns().get(0).kind()).isPresent();
    }

    /** The most keys one look-up names (the dialect's limit where keys are bound one by one). */
    int keysPerLookup() {
        return keysAsArray() ? Integer.MAX_VALUE : dialect.maxKeysPerLookup();
    }

    private Condition keyIn(int count) {
        List<Field<Object>> key = userColumns(true);
        if (keysAsArray()) {
            return dialect.keyInArray(key.get(0), param(), pair.columns().get(0).kind());
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
            for (SelectField<?> f : bookkeepingSelect(tombs)) {
                boolean unused = f.getName().equals(bk.site()) || f.getName().equals(bk.changedAt())
                        || f.getName().equals(bk.cols());
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
            select.addAll(bookkeepingSelect(tombs));
            var query = dsl.select(select).from(tombs ? this.tombs : rows).where(keyIn(count));
            return dsl.renderInlined(lock && dialect.locksRows() ? query.forUpdate() : query);
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

    Field<Object> param() {
        return DSL.field("?", Object.class);
    }













}
