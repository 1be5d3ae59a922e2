package org.dovetail.installer;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.table;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.table.Bookkeeping;
import org.dovetail.core.table.TableShape;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Gives rows that predate the install their bookkeeping (version 1, a fresh origin, a
 * seq) in primary-key ranges, one short transaction per range, so that a table of millions
 * of rows installs without one giant transaction.
 */
public final class Backfill {
    static final int BATCH = 10_000;

    private final Connection connection;
    private final Dialect dialect;
    private final DSLContext dsl;

    public Backfill(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
        this.dsl = Dsl.of(connection, dialect);
    }

    /** Backfills every row still without a version; returns how many were given one. */
    public long run(TableShape shape, String siteName) throws SQLException {
        Table<Record> t = table(name(shape.schema(), shape.name()));
        List<Field<Object>> key = shape.primaryKey().stream().map(k -> field(name(k))).toList();
        Bookkeeping bk = dialect.bookkeeping();
        Field<Long> version = field(name(bk.version()), Long.class);
        long total = 0;
        Record lower = null;
        while (true) {
            Condition after = lower == null ? DSL.noCondition() : row(key).gt(row(lower.intoArray()));
            Result<Record> keys = dsl.select(key).from(t).where(after).orderBy(key).limit(BATCH).fetch();
            if (keys.isEmpty()) {
                return total;
            }
            Record upper = keys.get(keys.size() - 1);
            dialect.setApplying(connection, true);
            total += dsl.update(t)
                    .set(version, 1L)
                    .set(field(name(bk.origin()), String.class), field(dialect.newOriginExpression(), String.class))
                    .set(field(name(bk.site()), String.class), siteName)
                    .set(field(name(bk.changedAt()), OffsetDateTime.class), DSL.currentOffsetDateTime())
                    .where(version.isNull()).and(after).and(row(key).le(row(upper.intoArray())))
                    .execute();
            dialect.setApplying(connection, false);
            connection.commit();
            lower = upper;
        }
    }
}
