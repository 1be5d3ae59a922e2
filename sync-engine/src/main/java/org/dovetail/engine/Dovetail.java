package org.dovetail.engine;

import java.util.List;
import java.util.Map;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.Config;
import org.dovetail.core.config.TableConfig;
import org.dovetail.core.site.Site;
import org.dovetail.core.table.TableName;
import org.dovetail.engine.sync.PairSync;
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
        return new Installer(site(siteName)).install(tableNames());
    }

    public String installSql(String siteName) {
        return new Installer(site(siteName)).printSql(tableNames());
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

    private List<TableName> tableNames() {
        return config.tables().stream().map(TableConfig::name).toList();
    }
}
