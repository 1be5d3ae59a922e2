package org.dovetail.engine.sync;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.dovetail.conflicts.ConflictStore;
import org.dovetail.core.DovetailException;
import org.dovetail.core.ExitCode;
import org.dovetail.core.config.Config;
import org.dovetail.core.config.TableConfig;
import org.dovetail.core.site.Site;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.TableShape;
import org.dovetail.core.site.SiteMetadata;
import org.jooq.impl.DSL;

/**
 * {@code dovetail sync A B}: locks the pair at both sites, logs the run at both, and syncs
 * each table; a table that fails stops alone while the others go on.
 */
public final class PairSync {
    private final Config config;
    private final Site siteA;
    private final Site siteB;

    public PairSync(Config config, Site siteA, Site siteB) {
        this.config = config;
        this.siteA = siteA;
        this.siteB = siteB;
    }

    /** The configured tables to sync, checked before any database is touched. */
    public static List<TableConfig> selectTables(Config config, List<String> names) {
        if (names.isEmpty()) {
            return config.tables();
        }
        List<TableConfig> out = new ArrayList<>();
        for (String name : names) {
            out.add(config.tables().stream()
                    .filter(t -> t.name().toString().equalsIgnoreCase(name.trim())).findFirst()
                    .orElseThrow(() -> DovetailException.usage("table '" + name.trim() + "' is not configured in "
                            + config.file())));
        }
        return out;
    }

    public SyncResult run(SyncOptions options) {
        List<TableConfig> tables = selectTables(config, options.tables());
        long start = System.nanoTime();
        String runId = UUID.randomUUID().toString().substring(0, 8);
        try (SiteSession a = SiteSession.open(siteA); SiteSession b = SiteSession.open(siteB)) {
            if (a.identity.id().equals(b.identity.id())) {
                throw DovetailException.usage("sites '" + siteA.name() + "' and '" + siteB.name()
                        + "' are the same database");
            }
            lock(a, b);
            if (!options.dryRun()) {
                new RunLog(a.write, a.dialect).start(runId, b.identity.id(), b.name());
                new RunLog(b.write, b.dialect).start(runId, a.identity.id(), a.name());
            }
            java.util.Set<String> resolvedOnlyAtOneSite = java.util.Set.of();
            if (options.dryRun()) {
                resolvedOnlyAtOneSite = resolvedIds(a, b);
            } else {
                shareResolutions(a, b);
            }
            java.util.Map<TableConfig, TableOutcome> byTable = new java.util.LinkedHashMap<>();
            java.util.Map<TableConfig, TableRun> runs = new java.util.LinkedHashMap<>();
            TableOrder order = new TableOrder(a, b);
            for (TableConfig table : order.parentsFirst(tables)) {
                TableRun run = tableRun(table, order, a, b, runId, options, resolvedOnlyAtOneSite, byTable);
                if (run != null) {
                    runs.put(table, run);
                    guarded(table, a, b, byTable, () -> byTable.put(table, run.run(options.push(), options.pull())));
                }
            }
            if (!options.dryRun()) {
                retryRefused(runs, a, b, byTable);
            }
            List<TableOutcome> outcomes = tables.stream().map(byTable::get).toList();
            long open = new ConflictStore(a.write, a.dialect).countOpen(sorted(a, b)[0], sorted(a, b)[1]);
            a.write.commit();
            SyncResult result = new SyncResult(runId, a.name(), b.name(), options.dryRun(), outcomes, open,
                    Duration.ofNanos(System.nanoTime() - start));
            if (!options.dryRun()) {
                finish(a, runId, result);
                finish(b, runId, result);
            }
            return result;
        } catch (SQLException | org.jooq.exception.DataAccessException e) {
            throw DovetailException.failed("sync " + siteA.name() + " " + siteB.name() + " failed: "
                    + SqlErrors.describe(e), e);
        }
    }

    /**
     * Resolutions made at one site reach the other before any row moves, so that the
     * kept copy is not held back there as a change to a key with an open conflict.
     */
    private static void shareResolutions(SiteSession a, SiteSession b) throws SQLException {
        String[] names = sorted(a, b);
        ConflictStore atA = new ConflictStore(a.write, a.dialect);
        ConflictStore atB = new ConflictStore(b.write, b.dialect);
        copyResolutions(atA.resolvedBetween(names[0], names[1]), atB);
        copyResolutions(atB.resolvedBetween(names[0], names[1]), atA);
        a.write.commit();
        b.write.commit();
    }

    /** Ids resolved at either site (a dry run shares nothing, but must not hold their keys). */
    private static java.util.Set<String> resolvedIds(SiteSession a, SiteSession b) throws SQLException {
        String[] names = sorted(a, b);
        java.util.Set<String> ids = new java.util.HashSet<>(
                new ConflictStore(a.write, a.dialect).resolvedBetween(names[0], names[1]).keySet());
        ids.addAll(new ConflictStore(b.write, b.dialect).resolvedBetween(names[0], names[1]).keySet());
        a.write.commit();
        b.write.commit();
        return ids;
    }

    private static void copyResolutions(java.util.Map<String, org.dovetail.conflicts.Conflict> resolved,
                                        ConflictStore to) {
        for (String id : to.unresolvedAmong(resolved.keySet())) {
            var c = resolved.get(id);
            to.markResolved(id, c.resolvedBy(), c.resolvedAt(), c.kept());
        }
    }

    private static String[] sorted(SiteSession a, SiteSession b) {
        return a.name().compareTo(b.name()) <= 0 ? new String[] {a.name(), b.name()}
                : new String[] {b.name(), a.name()};
    }

    private void lock(SiteSession a, SiteSession b) throws SQLException {
        String[] ids = {a.identity.id(), b.identity.id()};
        java.util.Arrays.sort(ids);
        String pairKey = ids[0] + "|" + ids[1];
        for (SiteSession s : ids[0].equals(a.identity.id()) ? List.of(a, b) : List.of(b, a)) {
            if (!s.tryLock(pairKey)) {
                SiteSession other = s == a ? b : a;
                String holder = new RunLog(s.write, s.dialect).runningWith(other.identity.id())
                        .orElse("another process");
                throw new DovetailException(ExitCode.LOCKED, "another sync of " + a.name() + " and " + b.name()
                        + " is running: " + holder);
            }
        }
    }

    /**
     * Changes refused earlier in the run (a child whose parent came later, a parent whose
     * children were deleted later) are tried again, round after round while any applies.
     */
    private void retryRefused(java.util.Map<TableConfig, TableRun> runs, SiteSession a, SiteSession b,
                              java.util.Map<TableConfig, TableOutcome> byTable) {
        for (int round = 0; round <= runs.size(); round++) {
            long[] applied = {0};
            for (var entry : runs.entrySet()) {
                TableRun run = entry.getValue();
                if (run.hasRefused() && !byTable.get(entry.getKey()).failed()) {
                    guarded(entry.getKey(), a, b, byTable, () -> {
                        applied[0] += run.retryRefused();
                        byTable.put(entry.getKey(), run.outcome());
                    });
                }
            }
            if (applied[0] == 0) {
                return;
            }
        }
    }

    /** The table's run, or null when its shapes do not match (then its outcome says why). */
    private TableRun tableRun(TableConfig table, TableOrder order, SiteSession a, SiteSession b, String runId,
                              SyncOptions options, java.util.Set<String> resolved,
                              java.util.Map<TableConfig, TableOutcome> byTable) {
        TableRun[] run = {null};
        guarded(table, a, b, byTable, () -> {
            TablePair pair = TablePair.match(table.name().toString(), shape(a, table, order), a.name(),
                    shape(b, table, order), b.name());
            if (config.mergeFor(table) == org.dovetail.core.config.Merge.COLUMNS) {
                pair = pair.mergingColumns();
                tracksColumns(a, pair.a(), table);
                tracksColumns(b, pair.b(), table);
            }
            run[0] = new TableRun(pair, a, b, config.policyFor(table), runId, options.dryRun(),
                    options.progress(), resolved);
        });
        return run[0];
    }

    private interface TableWork {
        void run() throws SQLException;
    }

    /** Runs a table's work; a failure stops that table alone (its outcome names why), unless the connection is lost. */
    private void guarded(TableConfig table, SiteSession a, SiteSession b,
                         java.util.Map<TableConfig, TableOutcome> byTable, TableWork work) {
        String name = table.name().toString();
        try {
            work.run();
        } catch (TablePair.ShapeMismatch | DovetailException e) {
            rollbackQuietly(a, b);
            byTable.put(table, new TableOutcome(name, 0, 0, 0, 0, null, e.getMessage()));
        } catch (SQLException | RuntimeException e) {
            if (a.dialect.failures().connectionLost(e) || b.dialect.failures().connectionLost(e)) {
                throw DovetailException.failed("sync " + siteA.name() + " " + siteB.name() + " failed: "
                        + SqlErrors.describe(e), e);
            }
            rollbackQuietly(a, b);
            byTable.put(table, new TableOutcome(name, 0, 0, 0, 0, null, "table " + name + ": " + SqlErrors.describe(e)));
        }
    }

    private static TableShape shape(SiteSession s, TableConfig table, TableOrder order) throws SQLException {
        java.util.Optional<TableShape> read = order.shape(s, table);
        TableShape shape = (read.isPresent() ? read : new Catalog(s.write, s.dialect).find(table.name())).orElseThrow(() ->
                DovetailException.failed("table " + table.name() + " not found at site " + s.site.name(), null));
        if (!new SiteMetadata(s.write, s.dialect).isRegistered(shape)) {
            throw DovetailException.failed("table " + table.name() + " is not installed at site " + s.site.name()
                    + " (run: dovetail install " + s.site.name() + ")", null);
        }
        s.write.commit();
        return shape;
    }

    /** Under merge: columns both sites must keep dv_cols, which install adds for such tables. */
    private static void tracksColumns(SiteSession s, TableShape shape, TableConfig table) throws SQLException {
        // a query, not the JDBC catalog: H2's leaves INVISIBLE columns out
        String probe = s.dsl(s.write).renderInlined(s.dsl(s.write).select(DSL.field(DSL.name(s.dialect.bookkeeping().cols())))
                .from(DSL.table(DSL.name(shape.schema(), shape.name()))).where(DSL.falseCondition()));
        boolean tracked;
        try (java.sql.Statement st = s.write.createStatement()) {
            st.executeQuery(probe).close();
            tracked = true;
        } catch (SQLException e) {
            tracked = false;
        }
        s.write.rollback();
        if (!tracked) {
            throw DovetailException.failed("table " + table.name() + " is under merge: columns but site " + s.site.name()
                    + " does not keep its column changes yet (run: dovetail install " + s.site.name() + ")", null);
        }
    }

    private static void rollbackQuietly(SiteSession... sessions) {
        for (SiteSession s : sessions) {
            try {
                s.dialect.setApplying(s.write, false);
            } catch (SQLException | RuntimeException ignored) {
                // the connection may be gone; rollback below says the rest
            }
            for (java.sql.Connection c : List.of(s.read, s.write)) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // nothing more to undo on a broken connection
                }
            }
        }
    }

    private static void finish(SiteSession s, String runId, SyncResult result) throws SQLException {
        String outcome = result.failed() ? "failed" : result.exitCode() == ExitCode.CONFLICTS ? "conflicts" : "ok";
        String errors = result.tables().stream().filter(TableOutcome::failed).map(TableOutcome::error)
                .reduce((x, y) -> x + "; " + y).orElse(null);
        new RunLog(s.write, s.dialect).finish(runId, outcome.toLowerCase(Locale.ROOT), result.pushed(),
                result.pulled(), result.conflicts(), errors);
    }
}
