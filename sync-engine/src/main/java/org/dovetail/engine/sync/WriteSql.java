package org.dovetail.engine.sync;


import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The statements that write received rows and tombstones into one table at one site, each rendered
 * once per pass; values are bound by {@link Writes} in the order each statement documents.
 */
final class WriteSql extends SideSql {

    WriteSql(SideTable side) {
        super(side);
    }

    private Field<Object> col(String name) {
        return side.col(name);
    }

    /** INSERT of a received row: user values, then version, origin, site, change time, from. */
    String insertRow() {
        return side.cached("insertRow", 0, this::renderInsertRow);
    }

    private String renderInsertRow() {
        List<Field<Object>> fields = new ArrayList<>(side.writtenColumns());
        fields.addAll(side.bookkeepingWritten());
        List<Field<Object>> values = new ArrayList<>();
        pair.columns().stream().filter(c -> c.written(sideA)).forEach(c -> values.add(dialect.bindField(c.kind())));
        side.bookkeepingWritten().forEach(f -> values.add(side.param()));
        return insertOverriding(fields, DSL.sql("values ({0})", DSL.list(values)));
    }

    /**
     * An INSERT of received rows into the table that writes the received values into identity
     * columns too, {@code GENERATED ALWAYS} ones included (the key a row was given where it was
     * inserted is its key everywhere); {@code source} is a VALUES list or a query.
     */
    String insertOverriding(List<Field<Object>> columns, org.jooq.QueryPart source) {
        String overriding = dialect.identityOverride().map(clause -> " " + clause).orElse("");
        return dsl.renderInlined(DSL.query("insert into {0} ({1})" + overriding + " {2}", rows,
                DSL.list(columns), source));
    }

    /** UPDATE of a received row: version, non-key values, origin, site, change time, from; then the key. */
    String updateRow() {
        return side.cached("updateRow", 0, this::renderUpdateRow);
    }

    private String renderUpdateRow() {
        java.util.Map<Field<?>, Field<?>> set = new java.util.LinkedHashMap<>();
        set.put(col(bk.version()), side.param());
        for (ColumnPair c : pair.columns()) {
            if (!c.key() && c.written(sideA)) {
                set.put(col(c.name(sideA)), dialect.bindField(c.kind()));
            }
        }
        set.put(col(bk.origin()), side.param());
        set.put(col(bk.site()), side.param());
        set.put(col(bk.changedAt()), side.param());
        set.put(col(bk.from()), side.param());
        return dsl.renderInlined(dsl.update(rows).set(set).where(keyEquals()));
    }

    /**
     * Makes rows just written a change of this site's own (dv_from NULL) without touching a user
     * column: a merge, written first as received (so the triggers mark the source's columns as the
     * source's), then sent back by the other direction; bind the key.
     */
    String ownChange() {
        return side.cached("ownChange", 0, () -> dsl.renderInlined(dsl.update(rows)
                .set(col(bk.from()), (Object) null).where(keyEquals())));
    }

    String deleteTomb() {
        return side.cached("deleteTomb", 0, () -> dsl.renderInlined(dsl.deleteFrom(tombs).where(keyEquals())));
    }

    String deleteRow() {
        return side.cached("deleteRow", 0, this::renderDeleteRow);
    }

    private String renderDeleteRow() {
        return dsl.renderInlined(dsl.deleteFrom(rows).where(keyEquals()));
    }

    /** INSERT of a received tombstone: key, version, origin, site, change time, from; seq and txid here. */
    String insertTomb() {
        return side.cached("insertTomb", 0, this::renderInsertTomb);
    }

    private String renderInsertTomb() {
        List<Field<Object>> fields = new ArrayList<>(side.userColumns(true));
        fields.addAll(side.bookkeepingWritten());
        fields.add(col(bk.seq()));
        List<Field<Object>> values = new ArrayList<>();
        pair.columns().stream().filter(ColumnPair::key).forEach(c -> values.add(dialect.bindField(c.kind())));
        side.bookkeepingWritten().forEach(f -> values.add(side.param()));
        values.add(DSL.field(capture.nextSeqExpression(), Object.class));
        if (capture.txidExpression() != null) {
            fields.add(col(bk.txid()));
            values.add(DSL.field(capture.txidExpression(), Object.class));
        }
        return dsl.renderInlined(dsl.insertInto(tombs).columns(fields).values(values));
    }

    /** UPDATE of a tombstone with received bookkeeping: version, origin, site, change time, from, then key. */
    String updateTomb() {
        return side.cached("updateTomb", 0, this::renderUpdateTomb);
    }

    private String renderUpdateTomb() {
        java.util.Map<Field<?>, Field<?>> set = new java.util.LinkedHashMap<>();
        for (Field<Object> f : side.bookkeepingWritten()) {
            set.put(f, side.param());
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
