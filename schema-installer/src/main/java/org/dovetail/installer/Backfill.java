package org.dovetail.installer;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.site.SqlErrors;
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
 *
 * <p>The triggers exist already, so the application writes on meanwhile: a row it writes first
 * gets its bookkeeping from the trigger (as if inserted) and the backfill leaves it alone. An
 * application write to a row of the range in progress waits for that range's commit, no longer.
 * The backfill in turn waits at most {@link #ROW_LOCK_WAIT} for a row the application holds
 * (where the database has a lock timeout): an application transaction writing several rows could
 * otherwise deadlock with it, and be the one the database cancels. That range is then done again
 * without the rows held ({@code SKIP LOCKED}), and a last pass takes those one row per transaction.
 */
public final class Backfill {
    static final int BATCH = 2_000;
    /** Well below PostgreSQL's deadlock_timeout (1 s), so the backfill gives up before a deadlock is looked for. */
    static final Duration ROW_LOCK_WAIT = Duration.ofMillis(100);

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
        Field<Long> version = field(name(dialect.bookkeeping().version()), Long.class);
        long total = 0;
        boolean skipped = false;
        Record lower = null;
        while (true) {
            Condition after = lower == null ? DSL.noCondition() : row(key).gt(row(lower.intoArray()));
            Result<Record> keys = dsl.select(key).from(t).where(after).orderBy(key).limit(BATCH).fetch();
            if (keys.isEmpty()) {
                break;
            }
            Record upper = keys.get(keys.size() - 1);
            connection.commit(); // the update starts a transaction of its own (SQLite: one that can write)
            Condition todo = version.isNull().and(after).and(row(key).le(row(upper.intoArray())));
            try {
                total += update(t, siteName, todo, dialect.lockTimeoutSql(ROW_LOCK_WAIT));
            } catch (SQLException | RuntimeException e) {
                Installer.rollback(connection, e);
                if (!dialect.failures().lockTimeout(e) || !dialect.locksRows()) {
                    throw e;
                }
                Condition free = todo.and(row(key).in(select(key).from(t).where(todo).forUpdate().skipLocked()));
                total += update(t, siteName, free, List.of());
                skipped = true;
            }
            lower = upper;
        }
        while (skipped) {
            Result<Record> rest = dsl.select(key).from(t).where(version.isNull()).limit(BATCH).fetch();
            connection.commit();
            long done = 0;
            for (Record one : rest) {
                // holding no other row, it may wait for this one: no deadlock possible
                done += update(t, siteName, version.isNull().and(row(key).eq(row(one.intoArray()))), List.of());
            }
            total += done;
            skipped = done > 0;
        }
        return total;
    }

    /** Backfills the rows in one transaction, in applying mode (the trigger gives each a dv_seq). */
    private int update(Table<Record> t, String siteName, Condition rows, List<String> settings) throws SQLException {
        Bookkeeping bk = dialect.bookkeeping();
        dialect.setApplying(connection, true);
        for (String setting : settings) {
            dsl.execute(setting);
        }
        int updated = dsl.update(t)
                .set(field(name(bk.version()), Long.class), 1L)
                .set(field(name(bk.origin()), String.class), field(dialect.newOriginExpression(), String.class))
                .set(field(name(bk.site()), String.class), siteName)
                .set(field(name(bk.changedAt()), OffsetDateTime.class), dialect.currentTime())
                .where(rows)
                .execute();
        dialect.setApplying(connection, false);
        connection.commit();
        return updated;
    }
}
