package org.dovetail.engine.sync;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import org.jooq.Condition;
import org.jooq.Field;

/**
 * The counts {@code status} shows for one table at one site: rows, and changes a peer has not yet received.
 */
final class CountSql extends SideSql {

    CountSql(SideTable side) {
        super(side);
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
