package org.dovetail.engine.sync;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;

import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.capture.Watermark;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.impl.DSL;

/**
 * The SQL that reads a table's changes at one site: rows and tombstones changed since a watermark
 * (an index range scan on the seq column), and the read point of the next watermark.
 */
final class ChangeSql extends SideSql {

    ChangeSql(SideTable side) {
        super(side);
    }

    private Field<Object> col(String name) {
        return side.col(name);
    }

    /** All changes since the watermark not received from {@code peerName}, rows and tombstones, by seq. */
    String changesSince(Watermark mark, String peerName) {
        return changesSince(mark, peerName, true);
    }

    /**
     * The same, by seq when {@code ordered}, else in the order the database finds them (a scan of
     * the whole table costs less than one by the seq index when most rows are new to the peer).
     */
    String changesSince(Watermark mark, String peerName, boolean ordered) {
        Field<Long> seq = field(name(bk.seq()), Long.class);
        Field<Long> txid = field(name(bk.txid()), Long.class);
        Condition since = capture.changedSince(mark, seq, txid);
        List<SelectField<?>> live = new ArrayList<>();
        live.add(inline(0).as("dv_dead"));
        live.addAll(side.userColumns(false));
        live.addAll(side.bookkeepingSelect(false));
        List<SelectField<?>> dead = new ArrayList<>();
        dead.add(inline(1));
        for (ColumnPair c : pair.columns()) {
            dead.add(c.key() ? col(c.name(sideA)) : DSL.inline((Object) null));
        }
        dead.addAll(side.bookkeepingSelect(true));
        var query = dsl.select(live).from(rows).where(since).and(side.notFrom(peerName))
                .unionAll(dsl.select(dead).from(tombs).where(since).and(side.notFrom(peerName)));
        return dsl.renderInlined(ordered ? query.orderBy(DSL.field(name(bk.seq()))) : query);
    }

    /** How many rows and tombstones {@link #changesSince} would read (for a progress display). */
    String countSince(Watermark mark, String peerName) {
        Condition since = capture.changedSince(mark, field(name(bk.seq()), Long.class), field(name(bk.txid()), Long.class))
                .and(side.notFrom(peerName));
        return dsl.renderInlined(dsl.select(dsl.selectCount().from(rows).where(since).asField()
                .plus(dsl.selectCount().from(tombs).where(since).asField())));
    }

    /** The highest seq in the table and its tombstones, as the read transaction sees them. */
    String maxSeq() {
        Field<Long> seq = field(name(bk.seq()), Long.class);
        return dsl.renderInlined(dsl.select(DSL.greatest(
                dsl.select(DSL.coalesce(DSL.max(seq), 0L)).from(rows).asField(),
                dsl.select(DSL.coalesce(DSL.max(seq), 0L)).from(tombs).asField())));
    }

    /** One row, if the table or its tombstones hold any. */
    String anyRowOrTombstone() {
        return dsl.renderInlined(dsl.selectOne().from(rows).unionAll(dsl.selectOne().from(tombs)).limit(1));
    }
}
