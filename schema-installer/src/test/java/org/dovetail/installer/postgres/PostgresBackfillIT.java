package org.dovetail.installer.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import org.dovetail.core.dialect.postgres.PostgresDialect;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Installing on a table that already holds rows: the DDL is quick whatever the size, and a
 * backfill in primary-key ranges (applying mode, as the installer does it) gives every row
 * its bookkeeping through the trigger. Prints the timings, to keep an eye on install speed.
 */
class PostgresBackfillIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    private static final int ROWS = 100_000;
    private static final int BATCH = 10_000;

    @Test
    void aHundredThousandRowsBackfillInKeyRanges() throws SQLException {
        PostgresMetadata.create(pg.url(), pg.user(), null);
        PostgresDialect dialect = new PostgresDialect();
        TableShape shape = new TableShape("public", "stock", List.of(
                new Column("id", Types.INTEGER, "int4", 10, 0, false),
                new Column("name", Types.VARCHAR, "text", Integer.MAX_VALUE, 0, false),
                new Column("qty", Types.INTEGER, "int4", 10, 0, true),
                new Column("price", Types.NUMERIC, "numeric", 10, 2, true),
                new Column("updated", Types.TIMESTAMP, "timestamptz", 35, 6, true)), List.of("id"));
        try (Connection c = pg.connect()) {
            exec(c, "CREATE TABLE public.stock (id integer PRIMARY KEY, name text NOT NULL, qty integer,"
                    + " price numeric(10,2), updated timestamptz)");
            exec(c, "INSERT INTO public.stock SELECT i, 'item ' || i, i % 100, i / 100.0, now()"
                    + " FROM generate_series(1, " + ROWS + ") i");
            exec(c, "VACUUM ANALYZE public.stock");
            c.setAutoCommit(false);

            long start = System.nanoTime();
            for (String sql : dialect.installSql(shape, "hq")) {
                exec(c, sql);
            }
            c.commit();
            long installed = System.nanoTime();
            try (PreparedStatement backfill = c.prepareStatement("UPDATE public.stock SET dv_version = 1,"
                    + " dv_origin = gen_random_uuid()::text, dv_site = 'hq', dv_changed_at = now()"
                    + " WHERE dv_version IS NULL AND id > ? AND id <= ?")) {
                for (int lower = 0; lower < ROWS; lower += BATCH) {
                    dialect.setApplying(c, true);
                    backfill.setInt(1, lower);
                    backfill.setInt(2, lower + BATCH);
                    assertThat(backfill.executeUpdate()).isEqualTo(BATCH);
                    c.commit();
                }
            }
            long done = System.nanoTime();
            System.out.printf("PostgresBackfillIT: install DDL on %,d rows %d ms; backfill %d ms (%,d rows/s)%n",
                    ROWS, (installed - start) / 1_000_000, (done - installed) / 1_000_000,
                    ROWS * 1_000_000_000L / (done - installed));

            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*),"
                    + " count(DISTINCT dv_origin), count(DISTINCT dv_seq), count(DISTINCT dv_txid), min(dv_version),"
                    + " max(dv_version), count(*) FILTER (WHERE dv_site = 'hq' AND dv_from IS NULL) FROM public.stock")) {
                rs.next();
                assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7))).containsExactly((long) ROWS, (long) ROWS, (long) ROWS,
                        (long) (ROWS / BATCH), 1L, 1L, (long) ROWS);
            }
            c.commit();
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
