package org.dovetail.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dovetail.core.ExitCode;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;

/**
 * One random run of {@link ConvergenceIT} under {@code merge: columns}: a star (hub {@code h} and
 * the given spokes) sharing the rows of table {@code cards}, where every site edits
 * only its own column ({@code col_h}, {@code col_<spoke>}) of random rows, and random syncs along the
 * star (both ways, or one). Edits of different columns are never a conflict, so the run must record
 * none, and at the end every column must hold the last value its site wrote: a merged edit lost
 * anywhere shows as a column that does not.
 */
final class MergeRun implements AutoCloseable {
    static final int KEYS = 25;

    private final List<String> siteNames;
    private final TestSites sites;
    private final Dovetail dovetail;
    private final Random random;
    private final Map<String, Connection> app = new LinkedHashMap<>();
    /** key -> column -> the last value its site wrote. */
    private final Map<Integer, Map<String, String>> lastWritten = new HashMap<>();
    private final List<String> log = new ArrayList<>();
    private long merged;
    private long conflicts;
    private int syncs;

    MergeRun(PostgresDatabaseExtension pg, long seed, Kind hub, Map<String, Kind> spokes) {
        this.random = new Random(seed);
        List<String> names = new ArrayList<>(List.of("h"));
        names.addAll(spokes.keySet());
        this.siteNames = List.copyOf(names);
        StringBuilder ddl = new StringBuilder("CREATE TABLE cards (id INT PRIMARY KEY");
        for (String s : siteNames) {
            ddl.append(", col_").append(s).append(" VARCHAR(40)");
        }
        ddl.append(")");
        TestSites star = new TestSites(pg).site("h", hub, ddl.toString());
        spokes.forEach((name, kind) -> star.site(name, kind, ddl.toString()));
        this.sites = star;
        this.dovetail = new Dovetail(new ConfigLoader(System.getenv()).load(
                sites.config("tables:", "  - name: cards", "    merge: columns")), System.getenv());
        try {
            for (String s : siteNames) {
                dovetail.install(s);
                app.put(s, sites.connect(s));
            }
            for (int key = 0; key < KEYS; key++) {
                sites.exec("h", "INSERT INTO cards (id) VALUES (" + key + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        for (String spoke : spokes.keySet()) {
            sync("h", spoke, true, true);
        }
    }

    /** {@code ops} random operations: a third syncs, the rest edits of a site's own column. */
    void run(int ops) throws SQLException {
        for (int i = 0; i < ops; i++) {
            String site = siteNames.get(random.nextInt(siteNames.size()));
            if (random.nextInt(3) == 0) {
                if (site.equals("h")) {
                    site = siteNames.get(1 + random.nextInt(siteNames.size() - 1));
                }
                int mode = random.nextInt(6);
                if (random.nextBoolean()) {
                    sync("h", site, mode != 0, mode != 1);
                } else {
                    sync(site, "h", mode != 0, mode != 1);
                }
            } else {
                edit(site, random.nextInt(KEYS), site + "#" + i);
            }
        }
    }

    /** Syncs every spoke with the hub, twice around, so every edit reaches every site. */
    void settle() {
        for (int round = 0; round < 2; round++) {
            for (String spoke : siteNames.subList(1, siteNames.size())) {
                sync("h", spoke, true, true);
            }
        }
    }

    private void edit(String site, int key, String value) throws SQLException {
        try (PreparedStatement ps = app.get(site).prepareStatement("UPDATE cards SET col_" + site + " = ? WHERE id = ?")) {
            ps.setString(1, value);
            ps.setInt(2, key);
            ps.executeUpdate();
        }
        lastWritten.computeIfAbsent(key, k -> new HashMap<>()).put("col_" + site, value);
        log.add(site + ": id=" + key + " col_" + site + " = " + value);
    }

    private void sync(String a, String b, boolean push, boolean pull) {
        SyncResult r = dovetail.sync(new SyncOptions(a, b, push, pull, List.of(), false,
                org.dovetail.engine.sync.SyncProgress.NONE));
        syncs++;
        merged += r.merged();
        conflicts += r.conflicts();
        log.add("sync " + a + " " + b + (push && pull ? "" : push ? " --push" : " --pull") + ": merged " + r.merged()
                + ", conflicts " + r.conflicts() + (r.exitCode() == ExitCode.OK ? "" : ", exit " + r.exitCode()));
        if (r.failed()) {
            throw new IllegalStateException("sync " + a + " " + b + " failed: " + r.tables());
        }
    }

    /** Every row at a site: id and each site's column, in order. */
    List<List<String>> rows(String site) {
        StringBuilder query = new StringBuilder("SELECT id");
        for (String s : siteNames) {
            query.append(", col_").append(s);
        }
        return sites.rows(site, query.append(" FROM cards ORDER BY id").toString());
    }

    /** The row's history (version, origin) at a site, by id. */
    List<List<String>> history(String site) {
        return sites.rows(site, "SELECT id, dv_version, dv_origin FROM cards ORDER BY id");
    }

    /** Columns whose value at the site is not the last one their own site wrote: lost edits. */
    List<String> lost(String site) throws SQLException {
        List<String> lost = new ArrayList<>();
        Connection c = app.get(site);
        for (var entry : lastWritten.entrySet()) {
            for (var column : entry.getValue().entrySet()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + column.getKey() + " FROM cards WHERE id = ?")) {
                    ps.setInt(1, entry.getKey());
                    try (ResultSet rs = ps.executeQuery()) {
                        String now = rs.next() ? rs.getString(1) : "(no row)";
                        if (!column.getValue().equals(now)) {
                            lost.add("id=" + entry.getKey() + " " + column.getKey() + " is " + now + " at " + site
                                    + ", last written " + column.getValue());
                        }
                    }
                }
            }
        }
        return lost;
    }

    boolean verified(String a, String b) {
        return dovetail.verify(a, b, List.of()).identical();
    }

    List<String> sites() {
        return siteNames;
    }

    long merged() {
        return merged;
    }

    long conflicts() {
        return conflicts;
    }

    String summary() {
        return log.size() - syncs + " edits, " + syncs + " syncs, " + merged + " merged, " + conflicts + " conflicts";
    }

    /** The operations that touched one key, and every sync, in order. */
    String trace() {
        return String.join("\n", log);
    }

    @Override
    public void close() {
        ConvergenceRun.close(app.values(), sites);
    }
}
