package org.dovetail.engine.sync;

import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.row.Values;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.SelectField;
import org.jooq.impl.DSL;

/**
 * The SQL of verify's key-range walk over one table at one site: chunk ends, digests and rows of a
 * range, in the same key order at every site (text keys in binary order).
 */
final class RangeSql extends SideSql {

    RangeSql(SideTable side) {
        super(side);
    }

    TablePair pair() {
        return pair;
    }

    private Field<Object> col(String name) {
        return side.col(name);
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
        return dsl.renderInlined(dsl.select(side.userColumns(false)).from(rows).where(inRange(lo, hi)).orderBy(keyOrder()));
    }

    /**
     * The whole table's chunks in one pass, or empty when the database cannot digest rows: the key,
     * the row number and the running sum of the row digests, in key order, of every
     * {@code every}-th row and of the last row. Chunk i holds the rows after chunk i-1's end up to
     * its own; its count and digest are the differences of the running values.
     */
    java.util.Optional<String> chunkRuns(int every) {
        return dialect.rowDigest(new ArrayList<>(side.userColumns(false))).map(digest -> {
            var window = DSL.orderBy(keyOrder()).rowsUnboundedPreceding();
            List<SelectField<?>> inner = new ArrayList<>(side.userColumns(true));
            inner.add(DSL.rowNumber().over(window).as("dv_rn"));
            inner.add(DSL.sum(digest).over(window).as("dv_run"));
            inner.add(DSL.lead(DSL.inline(1)).over(window).as("dv_next"));
            var numbered = dsl.select(inner).from(rows).asTable("dv_numbered");
            List<Field<?>> out = new ArrayList<>();
            pair.columns().stream().filter(ColumnPair::key).forEach(k -> out.add(numbered.field(k.name(sideA))));
            Field<Long> rn = DSL.field(name("dv_numbered", "dv_rn"), Long.class);
            out.add(rn);
            out.add(DSL.field(name("dv_numbered", "dv_run")));
            return dsl.renderInlined(dsl.select(out).from(numbered)
                    .where(rn.mod(every).eq(0L).or(DSL.field(name("dv_numbered", "dv_next")).isNull()))
                    .orderBy(rn));
        });
    }

    /** Row count and digest of a key range computed by the database, or empty when it cannot. */
    java.util.Optional<String> chunkDigest(boolean lo, boolean hi) {
        return dialect.rowDigest(new ArrayList<>(side.userColumns(false))).map(digest -> dsl.renderInlined(
                dsl.select(DSL.count(), DSL.coalesce(DSL.sum(digest), java.math.BigDecimal.ZERO))
                        .from(rows).where(inRange(lo, hi))));
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
}
