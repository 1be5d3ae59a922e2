package org.dovetail.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dovetail.conflicts.Conflict;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.ShopSchema;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;

/**
 * A randomized run on a shop's schema (foreign keys, ON DELETE CASCADE, a self-referencing
 * tree, a UNIQUE column, identity keys) in a star: hub {@code h} (PostgreSQL), spokes {@code p}
 * (PostgreSQL) and {@code l} (H2). Applications write what their own database accepts (a
 * statement it refuses is the application's error, skipped); the star syncs now and then.
 * At the end an admin resolves each open {@code rejected} conflict by keeping the refusing
 * site's state, the pairs sync until nothing moves, and every site must hold the same rows.
 */
final class ShopRun implements AutoCloseable {
    private static final List<String> SITES = List.of("h", "p", "l");
    private static final String[][] STAR = {{"h", "p"}, {"p", "h"}, {"l", "h"}, {"h", "l"}};

    private final TestSites sites;
    private final Dovetail dovetail;
    private final Random random;
    private int writes;
    private int refusedByApplication;
    private int syncs;

    ShopRun(PostgresDatabaseExtension pg, long seed) {
        this.random = new Random(seed);
        this.sites = new TestSites(pg).site("h", Kind.PG, ShopSchema.DDL).site("p", Kind.PG, ShopSchema.DDL)
                .site("l", Kind.H2, ShopSchema.DDL);
        this.dovetail = new Dovetail(new ConfigLoader(System.getenv()).load(
                sites.config("tables: [order_lines, categories, orders, customers]")), System.getenv());
        SITES.forEach(dovetail::install);
    }

    /** Random application writes and star syncs. */
    void run(int ops) {
        for (int i = 0; i < ops; i++) {
            if (random.nextInt(6) == 0) {
                String[] pair = STAR[random.nextInt(STAR.length)];
                sync(pair[0], pair[1]);
            } else {
                write(SITES.get(random.nextInt(SITES.size())));
            }
        }
    }

    private void write(String site) {
        int c = 1 + random.nextInt(12);
        int o = 1 + random.nextInt(16);
        int cat = 1 + random.nextInt(10);
        String email = "'u" + random.nextInt(10) + "@example.org'";
        String sql = switch (random.nextInt(11)) {
            case 0 -> "INSERT INTO customers (id, email, name) VALUES (" + c + ", " + email + ", '" + site + c + "')";
            case 1 -> "INSERT INTO customers (email, name) VALUES ('" + site + writes + "@example.org', 'new')";
            case 2 -> "UPDATE customers SET email = " + email + " WHERE id = " + c;
            case 3 -> "UPDATE customers SET name = '" + site + writes + "' WHERE id = " + c;
            case 4 -> "DELETE FROM customers WHERE id = " + c;
            case 5 -> "INSERT INTO orders VALUES (" + o + ", " + c + ", '" + site + "')";
            case 6 -> "DELETE FROM orders WHERE id = " + o;
            case 7 -> "INSERT INTO order_lines VALUES (" + o + ", " + (1 + random.nextInt(3)) + ", "
                    + (1 + random.nextInt(9)) + ")";
            case 8 -> "UPDATE order_lines SET qty = qty + 1 WHERE order_id = " + o;
            case 9 -> "INSERT INTO categories VALUES (" + cat + ", "
                    + (random.nextInt(3) == 0 ? "NULL" : Integer.toString(1 + random.nextInt(10))) + ", 'c')";
            default -> "DELETE FROM categories WHERE id = " + cat;
        };
        try (Connection conn = sites.connect(site); Statement s = conn.createStatement()) {
            s.execute(sql);
            writes++;
        } catch (SQLException e) {
            refusedByApplication++;
        }
    }

    private SyncResult sync(String a, String b) {
        syncs++;
        SyncResult r = dovetail.sync(SyncOptions.both(a, b));
        assertThat(r.tables()).as("sync %s %s: no table fails", a, b).allSatisfy(t -> assertThat(t.error()).isNull());
        return r;
    }

    /**
     * The admin's part: keeps the refusing site's state of every open rejected conflict, and
     * the star syncs until a round moves nothing and nothing is open; returns the rounds taken.
     */
    int settle() {
        for (int round = 1; round <= 10; round++) {
            long moved = 0;
            for (String[] pair : new String[][] {{"h", "p"}, {"l", "h"}, {"h", "p"}}) {
                SyncResult r = sync(pair[0], pair[1]);
                moved += r.pushed() + r.pulled();
            }
            boolean open = false;
            for (String site : SITES) {
                for (Conflict c : dovetail.conflicts(site, "open", null)) {
                    open = true;
                    if (c.rejected() && c.refusedBy().equals(site)) {
                        try {
                            dovetail.resolve(site, List.of(c.id()), site);
                        } catch (DovetailException stale) {
                            // the row changed since: the next sync brings the record up to date
                        }
                    }
                }
            }
            if (moved == 0 && !open) {
                return round;
            }
        }
        throw new AssertionError("the shop did not settle in 10 rounds of syncs and resolutions");
    }

    /** Each table's rows at a site. */
    Map<String, List<List<String>>> rows(String site) {
        Map<String, List<List<String>>> out = new java.util.TreeMap<>();
        ShopSchema.QUERIES.forEach((table, query) -> out.put(table, sites.rows(site, query)));
        return out;
    }

    boolean verified(String a, String b) {
        return dovetail.verify(a, b, List.of()).identical();
    }

    String summary() {
        List<String> parts = new ArrayList<>();
        parts.add(writes + " writes");
        parts.add(refusedByApplication + " refused by the application's own database");
        parts.add(syncs + " syncs");
        parts.add(dovetail.conflicts("h", "all", null).stream().filter(Conflict::rejected).count()
                + " rejected records at h");
        return String.join(", ", parts);
    }

    /** Every conflict record at a site, one per line, for failure messages. */
    String records(String site) {
        StringBuilder out = new StringBuilder();
        for (Conflict c : dovetail.conflicts(site, "all", null)) {
            out.append(String.join(" ", c.id(), c.siteA() + "-" + c.siteB(), c.table(), c.keyJson(), c.kind(), c.status(), String.valueOf(c.winner()),
                    String.valueOf(c.refusedBy()), String.valueOf(c.kept()), c.runId(), String.valueOf(c.detail()),
                    c.rowA(), c.rowB())).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        sites.close();
    }
}
