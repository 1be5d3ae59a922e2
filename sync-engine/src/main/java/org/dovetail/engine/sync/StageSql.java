package org.dovetail.engine.sync;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.table.Bookkeeping;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * The SQL around a session-local staging table that holds one batch of received changes
 * at the target, each marked with what it does there ({@link WriteOp}); set-based statements
 * then apply each kind of change in one go. Rendered by jOOQ once per pass.
 */
final class StageSql {
    static final String OP = "dv_op";
    /** The dv_seq the target's row or tombstone had when the batch read it (null: none): the write's guard. */
    static final String EXPECT = "dv_expect";
    private final SideTable side;
    private final DSLContext dsl;
    private final Bookkeeping bk;
    private final ChangeCapture capture;
    private final org.jooq.Name stageName;
    private final Table<Record> stage;

    StageSql(SideTable side, org.dovetail.core.dialect.BulkCopy copy) {
        this.side = side;
        this.stageName = copy.stagingTable();
        this.stage = table(stageName);
        this.dsl = side.dsl();
        this.bk = side.dialect().bookkeeping();
        this.capture = side.dialect().changeCapture();
    }

    private String once(String purpose, java.util.function.Supplier<String> render) {
        return side.cached("stage/" + purpose, 0, render);
    }

    String stageName() {
        return dsl.render(stage);
    }

    /** The staging table's columns, in the order rows are copied into it. */
    List<String> stageColumns() {
        List<String> out = new ArrayList<>();
        out.add(dsl.render(name(OP)));
        out.add(dsl.render(name(EXPECT)));
        rowColumns().forEach(f -> out.add(dsl.render(f)));
        return out;
    }

    /** The columns of a received row: user values (not generated ones), then version, origin, site, change time, from. */
    List<Field<Object>> rowColumns() {
        List<Field<Object>> out = new ArrayList<>(side.writtenColumns());
        out.addAll(side.bookkeepingWritten());
        return out;
    }

    String tableName() {
        return dsl.render(side.rowsTable());
    }

    List<String> renderedRowColumns() {
        return rowColumns().stream().map(dsl::render).toList();
    }

    private Field<Object> in(Table<?> t, Field<Object> column) {
        return field(t.getQualifiedName().append(column.getName()));
    }

    private Field<Object> staged(Field<Object> column) {
        return field(stageName.append(column.getName()));
    }

    private Condition op(WriteOp op) {
        return field(stageName.append(OP), String.class).eq(inline(op.code()));
    }

    /** The same key, still in the state the batch read (its dv_seq unchanged). */
    private Condition unchanged(Table<Record> target) {
        return sameKey(target).and(in(target, field(name(bk.seq()))).eq(staged(field(name(EXPECT)))));
    }

    private Condition sameKey(Table<Record> target) {
        Condition c = DSL.noCondition();
        for (Field<Object> k : side.userColumns(true)) {
            c = c.and(in(target, k).eq(staged(k)));
        }
        return c;
    }

    /** Creates the staging table (when this session has none) shaped like the target table, emptied at commit. */
    String create() {
        return once("create", () -> {
            List<SelectField<?>> select = new ArrayList<>();
            select.add(DSL.castNull(org.jooq.impl.SQLDataType.CHAR(1)).as(OP));
            select.add(DSL.castNull(org.jooq.impl.SQLDataType.BIGINT).as(EXPECT));
            select.addAll(rowColumns());
            return dsl.renderInlined(dsl.createTemporaryTableIfNotExists(name(stageName.last()))
                    .as(dsl.select(select).from(side.rowsTable())).withNoData().onCommitDeleteRows());
        });
    }

    /** Drops this session's staging table, so the next table's pass gets one of its own shape. */
    String drop() {
        return once("drop", () -> dsl.renderInlined(dsl.dropTableIfExists(stage)));
    }

    String deleteRows() {
        return once("deleteRows", () -> dsl.renderInlined(
                dsl.deleteFrom(side.rowsTable()).using(stage).where(op(WriteOp.DELETE))
                        .and(unchanged(side.rowsTable()))));
    }

    /** Tombstones of deleted rows and of keys never seen here, numbered here. */
    String insertTombs() {
        return once("insertTombs", () -> {
            List<Field<Object>> columns = new ArrayList<>(side.userColumns(true));
            columns.addAll(side.bookkeepingWritten());
            List<SelectField<?>> values = new ArrayList<>();
            columns.forEach(c -> values.add(staged(c)));
            columns.add(field(name(bk.seq())));
            values.add(field(capture.nextSeqExpression()));
            if (capture.txidExpression() != null) {
                columns.add(field(name(bk.txid())));
                values.add(field(capture.txidExpression()));
            }
            return dsl.renderInlined(dsl.insertInto(side.tombsTable()).columns(columns)
                    .select(dsl.select(values).from(stage).where(op(WriteOp.DELETE).or(op(WriteOp.TOMB)))));
        });
    }

    String updateTombs() {
        return once("updateTombs", () -> {
            Map<Field<?>, Field<?>> set = new LinkedHashMap<>();
            side.bookkeepingWritten().forEach(c -> set.put(c, staged(c)));
            set.put(field(name(bk.seq())), field(capture.nextSeqExpression()));
            if (capture.txidExpression() != null) {
                set.put(field(name(bk.txid())), field(capture.txidExpression()));
            }
            return dsl.renderInlined(dsl.update(side.tombsTable()).set(set).from(stage)
                    .where(op(WriteOp.RETOMB)).and(unchanged(side.tombsTable())));
        });
    }

    String deleteTombs() {
        return once("deleteTombs", () -> dsl.renderInlined(
                dsl.deleteFrom(side.tombsTable()).using(stage).where(op(WriteOp.REINSERT))
                        .and(unchanged(side.tombsTable()))));
    }

    String reinsertRows() {
        return once("reinsertRows", () -> {
            List<Field<Object>> columns = rowColumns();
            List<SelectField<?>> values = new ArrayList<>();
            columns.forEach(c -> values.add(staged(c)));
            return new WriteSql(side).insertOverriding(columns, dsl.select(values).from(stage).where(op(WriteOp.REINSERT)));
        });
    }

    String updateRows() {
        return once("updateRows", () -> {
            Map<Field<?>, Field<?>> set = new LinkedHashMap<>();
            for (ColumnPair c : side.pair().columns()) {
                if (!c.key() && c.written(side.sideA())) {
                    Field<Object> column = field(name(c.name(side.sideA())));
                    set.put(column, staged(column));
                }
            }
            side.bookkeepingWritten().forEach(c -> set.put(c, staged(c)));
            return dsl.renderInlined(dsl.update(side.rowsTable()).set(set).from(stage)
                    .where(op(WriteOp.UPDATE)).and(unchanged(side.rowsTable())));
        });
    }

    /**
     * How many rows this transaction wrote have a tombstone: one an application wrote meanwhile
     * for a key a copy into the empty target brought (see {@link RawWrites}).
     */
    String tombsOfRowsWrittenNow() {
        return once("tombsOfRowsWrittenNow", () -> {
            Condition same = DSL.noCondition();
            for (Field<Object> k : side.userColumns(true)) {
                same = same.and(in(side.tombsTable(), k).eq(in(side.rowsTable(), k)));
            }
            return dsl.renderInlined(dsl.selectCount().from(side.tombsTable()).join(side.rowsTable()).on(same)
                    .where(in(side.rowsTable(), field(name(bk.txid()))).eq(field(capture.txidExpression()))));
        });
    }

    /** How many keys copied in as new rows have a tombstone: one written meanwhile by an application. */
    String tombsOfInserted() {
        return once("tombsOfInserted", () -> dsl.renderInlined(dsl.selectCount().from(side.tombsTable()).join(stage)
                .on(op(WriteOp.INSERT)).and(sameKey(side.tombsTable()))));
    }
}
