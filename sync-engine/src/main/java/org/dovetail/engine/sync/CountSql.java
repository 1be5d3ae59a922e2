package org.dovetail.engine.sync;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import org.dovetail.core.table.Bookkeeping;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/**
 * The counts {@code status} shows for one table at one site: rows, and changes a peer has not yet received.
 */
final class CountSql {
    private final SideTable side;
    private final DSLContext dsl;
    private final Bookkeeping bk;
    private final Table<Record> rows;
    private final Table<Record> tombs;

    CountSql(SideTable side) {
        this.side = side;
        this.dsl = side.dsl();
        this.bk = side.bookkeeping();
        this.rows = side.rowsTable();
        this.tombs = side.tombsTable();
    }

    /** How many rows and tombstones changed after {@code seq} other than those received from {@code peer}. */
    String countSince(long seq, String peerName) {
        Field<Long> seqField = field(name(bk.seq()), Long.class);
        Condition c = seqField.gt(seq).and(side.notFrom(peerName));
        return dsl.renderInlined(dsl.select(
                dsl.selectCount().from(rows).where(c).asField().plus(dsl.selectCount().from(tombs).where(c).asField())));
    }

    /** Exact row count. */
    String countRows() {
        return dsl.renderInlined(dsl.selectCount().from(rows));
    }
}
