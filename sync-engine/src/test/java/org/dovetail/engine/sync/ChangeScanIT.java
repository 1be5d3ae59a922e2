package org.dovetail.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.dovetail.core.capture.Watermark;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.core.dialect.postgres.PostgresDialect;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.TableName;
import org.dovetail.core.table.TableShape;
import org.dovetail.engine.Dovetail;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** "What changed since N" is an index range scan on PostgreSQL, never a scan of the whole table. */
class ChangeScanIT {
    @RegisterExtension
    static PostgresDatabaseExtension pg = new PostgresDatabaseExtension();

    @Test
    void changesSinceAWatermarkUseTheSeqIndexes() throws Exception {
        try (TestSites sites = new TestSites(pg).site("a", Kind.PG,
                "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)",
                "INSERT INTO items SELECT g, 'item ' || g, g % 10 FROM generate_series(1, 50000) g")) {
            Dovetail d = new Dovetail(new ConfigLoader(Map.of()).load(sites.config("tables: [items]")), Map.of());
            d.install("a");
            // 20,000 deletes in 40 transactions: a tombstone table too big to scan whole for a few changes
            for (int from = 0; from < 20_000; from += 500) {
                sites.exec("a", "DELETE FROM items WHERE id > " + from + " AND id <= " + (from + 500));
            }
            sites.exec("a", "UPDATE items SET qty = 99 WHERE id > 49990", "ANALYZE items", "ANALYZE dv_tomb_items");
            PostgresDialect dialect = new PostgresDialect();
            try (Connection c = sites.connect("a")) {
                TableShape shape = new Catalog(c, dialect).find(TableName.parse("items")).orElseThrow();
                TablePair pair = TablePair.match("items", shape, "a", shape, "a");
                SideTable table = new SideTable(pair, true, dialect, Dsl.of(c, dialect));
                long max = sites.count("a", "SELECT max(dv_seq) FROM items");
                String steady = explain(c, new ChangeSql(table).changesSince(new Watermark(max - 10, null), "b"));
                assertThat(steady).contains("items_dv_seq_idx").contains("dv_tomb_items_dv_seq_idx")
                        .doesNotContain("Seq Scan");
                long now = sites.count("a", "SELECT txid_current()");
                String snapshot = (now - 5) + ":" + (now + 1) + ":" + (now - 4) + "," + (now - 2);
                String inFlight = explain(c, new ChangeSql(table).changesSince(new Watermark(max - 10, snapshot), "b"));
                assertThat(inFlight).contains("items_dv_txid_idx").contains("dv_tomb_items_dv_txid_idx")
                        .doesNotContain("Seq Scan");
            }
        }
    }

    private static String explain(Connection c, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
