package org.dovetail.engine;

import java.util.List;
import java.util.Map;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.Config;
import org.dovetail.core.config.TableConfig;
import org.dovetail.core.site.Site;
import org.dovetail.core.table.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import org.dovetail.conflicts.Conflict;
import org.dovetail.conflicts.ConflictCsv;
import org.dovetail.conflicts.ConflictStore;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.engine.sync.ConflictResolver;
import org.dovetail.engine.sync.PairSync;
import org.dovetail.engine.sync.SiteStatus;
import org.dovetail.engine.sync.Verifier;
import org.dovetail.core.site.SiteMetadata;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.installer.InstallResult;
import org.dovetail.installer.Installer;
import org.dovetail.installer.UninstallResult;

/**
 * The facade of Dovetail's core: one method per verb, each handing off to one command
 * class and returning a result object. The CLI only parses, calls and prints.
 */
public final class Dovetail {
    private final Config config;
    private final Map<String, String> environment;

    public Dovetail(Config config, Map<String, String> environment) {
        this.config = config;
        this.environment = Map.copyOf(environment);
    }

    public Config config() {
        return config;
    }

    /** A configured site, checked (dialect, password source) but not yet connected. */
    public Site site(String name) {
        return Site.of(config.site(name), environment);
    }

    public InstallResult install(String siteName) {
        return new Installer(site(siteName)).install(tableNames(), columnMerged());
    }

    public String installSql(String siteName) {
        return new Installer(site(siteName)).printSql(tableNames(), columnMerged());
    }

    public UninstallResult uninstall(String siteName) {
        return new Installer(site(siteName)).uninstall();
    }

    /** Syncs a pair of sites; configuration problems are reported before any database is touched. */
    public SyncResult sync(SyncOptions options) {
        if (options.siteA().equals(options.siteB())) {
            throw DovetailException.usage("sync needs two different sites, got '" + options.siteA() + "' twice");
        }
        PairSync.selectTables(config, options.tables());
        return new PairSync(config, site(options.siteA()), site(options.siteB())).run(options);
    }

    /**
     * Syncs {@code options.siteA()} (the hub) with every other configured site, {@code parallel}
     * pairs at a time, each with the options' direction, tables and dry run ({@code siteB} is
     * ignored); peers in name order.
     */
    public org.dovetail.engine.sync.HubSync.Result syncAll(SyncOptions options, int parallel) {
        String hub = options.siteA();
        site(hub);
        PairSync.selectTables(config, options.tables());
        List<String> peers = config.sites().keySet().stream().filter(n -> !n.equals(hub)).sorted().toList();
        return new org.dovetail.engine.sync.HubSync(hub, peers, parallel).run(peer -> sync(
                new SyncOptions(hub, peer, options.push(), options.pull(), options.tables(), options.dryRun(),
                        options.progress())));
    }

    /** Per table at a site: rows, changes not yet sent to each peer, last syncs, open and auto conflicts. */
    public SiteStatus.Result status(String siteName) {
        return new SiteStatus(config, site(siteName)).run();
    }

    /** Compares the user columns of both sites' tables (all configured tables when none are named). */
    public Verifier.Result verify(String siteA, String siteB, List<String> tables) {
        if (siteA.equals(siteB)) {
            throw DovetailException.usage("verify needs two different sites, got '" + siteA + "' twice");
        }
        PairSync.selectTables(config, tables);
        return new Verifier(config, site(siteA), site(siteB)).run(tables);
    }

    /** Conflicts recorded at a site, by status ({@code open}, {@code auto}, {@code resolved}, {@code all}) and table. */
    public List<Conflict> conflicts(String siteName, String status, String table) {
        Site site = site(siteName);
        try (Connection c = site.connect()) {
            requireInstalled(site, c);
            return new ConflictStore(c, site.dialect()).list(status, table);
        } catch (SQLException e) {
            throw DovetailException.failed("reading conflicts at site '" + siteName + "' failed: "
                    + SqlErrors.describe(e), e);
        }
    }

    /**
     * Runs {@code conflicts.notify} after a sync that recorded new conflicts (nothing otherwise,
     * nor for a dry run), with {@code recordsJson} on its standard input and the run's facts in
     * {@code DOVETAIL_SITE_A}, {@code DOVETAIL_SITE_B}, {@code DOVETAIL_RUN_ID}, {@code DOVETAIL_CONFLICTS},
     * {@code DOVETAIL_OPEN_CONFLICTS}, {@code DOVETAIL_PUSHED}, {@code DOVETAIL_PULLED} and
     * {@code DOVETAIL_EXIT_CODE}. A failure is returned as one line and noted in the run's log at
     * both sites; it never changes the sync's outcome.
     */
    public java.util.Optional<String> notifyConflicts(SyncResult result, String recordsJson) {
        if (config.notifyCommand().isEmpty() || result.dryRun() || result.conflicts() == 0) {
            return java.util.Optional.empty();
        }
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("DOVETAIL_SITE_A", result.siteA());
        env.put("DOVETAIL_SITE_B", result.siteB());
        env.put("DOVETAIL_RUN_ID", result.runId());
        env.put("DOVETAIL_CONFLICTS", String.valueOf(result.conflicts()));
        env.put("DOVETAIL_OPEN_CONFLICTS", String.valueOf(result.openConflicts()));
        env.put("DOVETAIL_PUSHED", String.valueOf(result.pushed()));
        env.put("DOVETAIL_PULLED", String.valueOf(result.pulled()));
        env.put("DOVETAIL_EXIT_CODE", String.valueOf(result.exitCode().code()));
        java.util.Optional<String> failure = new org.dovetail.engine.notify.NotifyCommand(config.notifyCommand(),
                org.dovetail.engine.notify.NotifyCommand.TIMEOUT).run(env, recordsJson);
        failure.ifPresent(line -> {
            for (String name : List.of(result.siteA(), result.siteB())) {
                Site site = site(name);
                try (Connection c = site.connect()) {
                    new org.dovetail.engine.sync.RunLog(c, site.dialect()).note(result.runId(), line);
                } catch (SQLException | RuntimeException e) {
                    // the warning is still shown; the log is best effort
                }
            }
        });
        return failure;
    }

    /** The conflicts one sync run recorded at a site. */
    public List<Conflict> conflictsOfRun(String siteName, String runId) {
        Site site = site(siteName);
        try (Connection c = site.connect()) {
            return new ConflictStore(c, site.dialect()).ofRun(runId).stream()
                    .filter(record -> !Conflict.MERGED.equals(record.status())).toList();
        } catch (SQLException e) {
            throw DovetailException.failed("reading conflicts at site '" + siteName + "' failed: "
                    + SqlErrors.describe(e), e);
        }
    }

    /** One conflict by id, or a usage error when the site has no such conflict. */
    public Conflict conflict(String siteName, String id) {
        Site site = site(siteName);
        try (Connection c = site.connect()) {
            requireInstalled(site, c);
            return new ConflictStore(c, site.dialect()).get(id).orElseThrow(() ->
                    DovetailException.usage("no conflict '" + id + "' at site '" + siteName + "'"));
        } catch (SQLException e) {
            throw DovetailException.failed("reading conflicts at site '" + siteName + "' failed: "
                    + SqlErrors.describe(e), e);
        }
    }

    /** The admin override: keeps one site's copy of each conflict (see {@link ConflictResolver}). */
    public List<ConflictResolver.Outcome> resolve(String siteName, List<String> ids, String keep) {
        return new ConflictResolver(config, site(siteName)).resolve(ids, keep, false);
    }

    /** Resolves every unresolved conflict of a table at a site, skipping those whose row changed since. */
    public List<ConflictResolver.Outcome> resolveAll(String siteName, String table, String keep) {
        ConflictResolver resolver = new ConflictResolver(config, site(siteName));
        return resolver.resolve(resolver.unresolvedIds(table), keep, true);
    }

    /** Writes the conflicts recorded at a site (all statuses) as CSV with an empty {@code decision} column. */
    public int exportConflicts(String siteName, java.util.function.Function<Conflict, String> key, Appendable out) {
        List<Conflict> all = conflicts(siteName, "all", null);
        ConflictCsv.write(all, key, out);
        return all.size();
    }

    /**
     * Applies the decisions of a filled-in export: every row is checked first (unknown id,
     * a decision that is not one of the pair's sites) and one bad row applies nothing.
     */
    public List<ConflictResolver.Outcome> importDecisions(String siteName, java.io.Reader csv, String fileName) {
        List<ConflictCsv.Decision> decisions = ConflictCsv.read(csv, fileName);
        java.util.Map<String, Conflict> known = new java.util.HashMap<>();
        conflicts(siteName, "all", null).forEach(c -> known.put(c.id(), c));
        java.util.LinkedHashMap<String, String> keep = new java.util.LinkedHashMap<>();
        for (ConflictCsv.Decision d : decisions) {
            Conflict c = known.get(d.id());
            if (c == null) {
                throw DovetailException.usage(fileName + " line " + d.line() + ": no conflict '" + d.id()
                        + "' at site '" + siteName + "'");
            }
            if (!d.keep().equals(c.siteA()) && !d.keep().equals(c.siteB())) {
                throw DovetailException.usage(fileName + " line " + d.line() + ": decision '" + d.keep()
                        + "' for conflict " + d.id() + " is not one of " + c.siteA() + ", " + c.siteB());
            }
            keep.put(d.id(), d.keep());
        }
        return new ConflictResolver(config, site(siteName)).resolve(keep, false);
    }

    private static void requireInstalled(Site site, Connection c) throws SQLException {
        if (!new SiteMetadata(c, site.dialect()).exists()) {
            throw DovetailException.usage("site '" + site.name() + "' is not installed (run: dovetail install "
                    + site.name() + ")");
        }
    }

    /** The tables whose changes are tracked per column ({@code merge: columns}). */
    private java.util.Set<TableName> columnMerged() {
        return config.tables().stream().filter(t -> config.mergeFor(t) == org.dovetail.core.config.Merge.COLUMNS)
                .map(org.dovetail.core.config.TableConfig::name).collect(java.util.stream.Collectors.toSet());
    }

    private List<TableName> tableNames() {
        return config.tables().stream().map(TableConfig::name).toList();
    }
}
