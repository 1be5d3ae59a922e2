package org.dovetail.engine.sync;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.Config;
import org.dovetail.core.config.TableConfig;
import org.dovetail.core.row.Values;
import org.dovetail.core.site.Site;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.TableShape;

/**
 * {@code dovetail verify A B}: compares each table in chunks of primary-key ranges. Where
 * both databases can digest rows themselves (PostgreSQL), both digest the whole table at the same
 * time, and equal digests confirm it. Otherwise each site's database numbers and digests its
 * table in chunks in one pass, and a chunk with the same ends, count and digest at both is
 * confirmed without moving its rows. A chunk that does not
 * match is digested again as a key range at both sites; if that differs too, or where a
 * database cannot digest, its rows are read side by side in key order and compared with the
 * sync's own value comparison, one row per side in memory, narrowing a difference to its keys.
 */
public final class Verifier {
    /** Keys listed per table at most; the count covers all. */
    public static final int MAX_KEYS = 100;
    /** Rows per chunk whose digests are compared. */
    static final int CHUNK = 20_000;

    private final Config config;
    private final Site siteA;
    private final Site siteB;

    public Verifier(Config config, Site siteA, Site siteB) {
        this.config = config;
        this.siteA = siteA;
        this.siteB = siteB;
    }

    /** One table's comparison: rows at each site, and the keys whose rows differ or exist at one site only. */
    public record TableVerify(String table, long rowsA, long rowsB, long differing, List<String> keys, String error) {
    }

    /** The whole comparison. */
    public record Result(String siteA, String siteB, List<TableVerify> tables, Duration elapsed) {
        public boolean identical() {
            return tables.stream().allMatch(t -> t.differing() == 0 && t.error() == null);
        }
    }

    public Result run(List<String> tableNames) {
        long start = System.nanoTime();
        List<TableConfig> tables = PairSync.selectTables(config, tableNames);
        try (SiteSession a = SiteSession.open(siteA); SiteSession b = SiteSession.open(siteB)) {
            List<TableVerify> out = new ArrayList<>();
            for (TableConfig table : tables) {
                out.add(verify(table, a, b));
            }
            return new Result(a.name(), b.name(), out, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private TableVerify verify(TableConfig table, SiteSession a, SiteSession b) {
        String name = table.name().toString();
        try {
            TablePair pair = TablePair.match(name, shape(a, table), a.name(), shape(b, table), b.name());
            RangeSql ta = new RangeSql(new SideTable(pair, true, a.dialect, a.dsl(a.read)));
            RangeSql tb = new RangeSql(new SideTable(pair, false, b.dialect, b.dsl(b.read)));
            Totals totals = new Totals();
            try {
                boolean digests = ta.digestKind().equals(tb.digestKind()) && ta.chunkRuns(CHUNK).isPresent();
                if (!digests) {
                    compare(pair, a, ta, b, tb, null, null, totals);
                } else if (!sameDigests(a, ta, b, tb, null, null, totals)) {
                    CompletableFuture<List<Chunk>> other = CompletableFuture.supplyAsync(() -> chunksUnchecked(b, tb));
                    List<Chunk> chunksA = chunks(a, ta);
                    List<Chunk> chunksB = join(other);
                    int j = 0;
                    Comparator<Object[]> byKey = keyOrder(pair.keyCount());
                    for (Chunk c : chunksA) {
                        while (j < chunksB.size() && before(chunksB.get(j).hi(), c.hi(), byKey)) {
                            j++;
                        }
                        if (j < chunksB.size() && c.sameAs(chunksB.get(j))) {
                            totals.rowsA += c.rows();
                            totals.rowsB += c.rows();
                        } else {
                            verifyRange(pair, a, ta, b, tb, c.lo(), c.hi(), totals);
                        }
                    }
                }
            } finally {
                a.read.rollback();
                b.read.rollback();
            }
            return new TableVerify(name, totals.rowsA, totals.rowsB, totals.differing, totals.keys, null);
        } catch (TablePair.ShapeMismatch | DovetailException e) {
            return new TableVerify(name, 0, 0, 0, List.of(), e.getMessage());
        } catch (SQLException e) {
            return new TableVerify(name, 0, 0, 0, List.of(), "table " + name + ": " + SqlErrors.describe(e));
        }
    }

    /** Rows counted and keys found different so far. */
    private static final class Totals {
        long rowsA;
        long rowsB;
        long differing;
        final List<String> keys = new ArrayList<>();
    }

    /**
     * A chunk of a site's rows in key order: the keys after {@code lo} up to {@code hi} (null: open
     * end), their count and the sum of their row digests.
     */
    private record Chunk(Object[] lo, Object[] hi, long rows, BigDecimal digest) {
        /** The same key range with the same count and digest: the same rows. */
        boolean sameAs(Chunk o) {
            return Arrays.deepEquals(lo, o.lo) && Arrays.deepEquals(hi, o.hi) && rows == o.rows
                    && digest.compareTo(o.digest) == 0;
        }
    }

    /** Whether chunk end {@code x} lies before {@code y} (null: the open end, after every key). */
    private static boolean before(Object[] x, Object[] y, Comparator<Object[]> byKey) {
        return x != null && (y == null || byKey.compare(x, y) < 0);
    }

    /**
     * The site's chunks of {@link #CHUNK} rows, from one pass over the table in the database. The
     * first chunk starts and the last ends open, so the chunks of one site cover every key the
     * other site may hold; an empty table is one open chunk of no rows.
     */
    private static List<Chunk> chunks(SiteSession s, RangeSql t) throws SQLException {
        List<Chunk> chunks = new ArrayList<>();
        Object[] lo = null;
        long rn = 0;
        BigDecimal run = BigDecimal.ZERO;
        try (PreparedStatement ps = s.read.prepareStatement(t.chunkRuns(CHUNK).orElseThrow());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int keys = t.pair().keyCount();
                Object[] hi = new Object[keys];
                for (int k = 0; k < keys; k++) {
                    hi[k] = Values.read(rs, k + 1, t.pair().columns().get(k).kind());
                }
                long upTo = rs.getLong(keys + 1);
                BigDecimal runUpTo = rs.getBigDecimal(keys + 2);
                chunks.add(new Chunk(lo, hi, upTo - rn, runUpTo.subtract(run)));
                lo = hi;
                rn = upTo;
                run = runUpTo;
            }
        }
        if (chunks.isEmpty()) {
            return List.of(new Chunk(null, null, 0, BigDecimal.ZERO));
        }
        Chunk last = chunks.remove(chunks.size() - 1);
        chunks.add(new Chunk(last.lo(), null, last.rows(), last.digest()));
        return chunks;
    }

    private static List<Chunk> chunksUnchecked(SiteSession s, RangeSql t) {
        try {
            return chunks(s, t);
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    /**
     * Whether a key range (null ends: the whole table, one scan each in no order) digests alike at
     * both sites, both computing at the same time; counts its rows if so.
     */
    private static boolean sameDigests(SiteSession a, RangeSql ta, SiteSession b, RangeSql tb,
                                       Object[] lo, Object[] hi, Totals totals) throws SQLException {
        CompletableFuture<String[]> other = CompletableFuture.supplyAsync(() -> digestUnchecked(b, tb, lo, hi));
        String[] da = digest(a, ta, lo, hi);
        String[] db = join(other);
        if (!Arrays.equals(da, db)) {
            return false;
        }
        totals.rowsA += Long.parseLong(da[0]);
        totals.rowsB += Long.parseLong(db[0]);
        return true;
    }

    /**
     * A key range whose chunks did not match (different rows, or chunk ends shifted by rows
     * missing at one site): both databases digest just this range, and if the digests differ
     * its rows are read side by side.
     */
    private static void verifyRange(TablePair pair, SiteSession a, RangeSql ta, SiteSession b, RangeSql tb,
                                    Object[] lo, Object[] hi, Totals totals) throws SQLException {
        if (!sameDigests(a, ta, b, tb, lo, hi, totals)) {
            compare(pair, a, ta, b, tb, lo, hi, totals);
        }
    }

    /** {count, digest} of a key range, computed inside the database. */
    private static String[] digest(SiteSession s, RangeSql t, Object[] lo, Object[] hi) throws SQLException {
        try (PreparedStatement ps = s.read.prepareStatement(t.chunkDigest(lo != null, hi != null).orElseThrow())) {
            t.bindRange(ps, lo, hi);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new String[] {Long.toString(rs.getLong(1)), rs.getString(2)};
            }
        }
    }

    private static String[] digestUnchecked(SiteSession s, RangeSql t, Object[] lo, Object[] hi) {
        try {
            return digest(s, t, lo, hi);
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    /** Waits for the other site's answer, computed meanwhile by its own database. */
    private static <T> T join(CompletableFuture<T> digest) throws SQLException {
        try {
            return digest.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    /** Reads a key range's rows at both sites side by side and compares them value by value. */
    private static void compare(TablePair pair, SiteSession a, RangeSql ta, SiteSession b, RangeSql tb,
                                Object[] lo, Object[] hi, Totals totals) throws SQLException {
        try (PreparedStatement pa = a.read.prepareStatement(ta.rowsInRange(lo != null, hi != null));
             PreparedStatement pb = b.read.prepareStatement(tb.rowsInRange(lo != null, hi != null))) {
            ta.bindRange(pa, lo, hi);
            tb.bindRange(pb, lo, hi);
            pa.setFetchSize(5000);
            pb.setFetchSize(5000);
            try (ResultSet ra = pa.executeQuery(); ResultSet rb = pb.executeQuery()) {
                merge(pair, ta, ra, tb, rb, totals);
            }
        }
    }

    private static void merge(TablePair pair, RangeSql ta, ResultSet ra, RangeSql tb, ResultSet rb, Totals totals)
            throws SQLException {
        Comparator<Object[]> byKey = keyOrder(pair.keyCount());
        Object[] x = ra.next() ? ta.readValues(ra) : null;
        Object[] y = rb.next() ? tb.readValues(rb) : null;
        while (x != null || y != null) {
            int cmp = x == null ? 1 : y == null ? -1 : byKey.compare(x, y);
            Object[] differs = null;
            if (cmp == 0) {
                if (!sameRow(x, y)) {
                    differs = x;
                }
            } else {
                differs = cmp < 0 ? x : y;
            }
            if (differs != null) {
                totals.differing++;
                if (totals.keys.size() < MAX_KEYS) {
                    totals.keys.add(new RowKey(Arrays.copyOf(differs, pair.keyCount())).text());
                }
            }
            if (cmp <= 0) {
                totals.rowsA++;
                x = ra.next() ? ta.readValues(ra) : null;
            }
            if (cmp >= 0) {
                totals.rowsB++;
                y = rb.next() ? tb.readValues(rb) : null;
            }
        }
    }

    private static boolean sameRow(Object[] x, Object[] y) {
        for (int i = 0; i < x.length; i++) {
            if (!Values.same(x[i], y[i])) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<Object[]> keyOrder(int keyCount) {
        return (p, q) -> {
            for (int i = 0; i < keyCount; i++) {
                Object u = p[i];
                Object v = q[i];
                int c = u instanceof byte[] bu ? Arrays.compareUnsigned(bu, (byte[]) v)
                        : u instanceof java.util.UUID uu ? compareUuids(uu, (java.util.UUID) v)
                        : u instanceof String su ? compareCodePoints(su, (String) v) : ((Comparable) u).compareTo(v);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    /** As the databases order UUIDs: by their bytes, unsigned. */
    private static int compareUuids(java.util.UUID a, java.util.UUID b) {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    private static int compareCodePoints(String s, String t) {
        int i = 0;
        int j = 0;
        while (i < s.length() && j < t.length()) {
            int a = s.codePointAt(i);
            int b = t.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(s.length() - i, t.length() - j);
    }

    private static TableShape shape(SiteSession s, TableConfig table) throws SQLException {
        return new Catalog(s.write, s.dialect).find(table.name()).orElseThrow(() ->
                DovetailException.failed("table " + table.name() + " not found at site " + s.site.name(), null));
    }
}
