package org.dovetail.engine.sync;

import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.table.Bookkeeping;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Table;

/**
 * What the statements of one caller ({@link ChangeSql}, {@link WriteSql}, {@link RangeSql},
 * {@link CountSql}) need of a {@link SideTable}: its names, its dialect and its jOOQ context.
 */
abstract class SideSql {
    protected final SideTable side;
    protected final TablePair pair;
    protected final boolean sideA;
    protected final Dialect dialect;
    protected final DSLContext dsl;
    protected final Bookkeeping bk;
    protected final Table<Record> rows;
    protected final Table<Record> tombs;
    protected final ChangeCapture capture;

    protected SideSql(SideTable side) {
        this.side = side;
        this.pair = side.pair();
        this.sideA = side.sideA();
        this.dialect = side.dialect();
        this.dsl = side.dsl();
        this.bk = side.bookkeeping();
        this.rows = side.rowsTable();
        this.tombs = side.tombsTable();
        this.capture = side.capture();
    }
}
