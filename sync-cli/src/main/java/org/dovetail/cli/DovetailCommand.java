package org.dovetail.cli;

import java.nio.file.Path;
import java.util.Map;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.engine.Dovetail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top-level {@code dovetail} command: global options shared by every subcommand. Its
 * subcommands are registered by {@link Main}, all of them or only the one a run invokes.
 */
@Command(name = "dovetail", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Keeps the rows of two SQL databases in step, in batches, in both directions.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done, nothing needs attention",
            "1:failed (database or I/O error); whatever was committed is consistent",
            "2:usage or configuration error; nothing was touched",
            "3:done, and conflicts were recorded in this run or are open",
            "4:another sync of this pair holds the lock",
            "5:verify found differences"},
        footer = {"%nConfiguration: --config FILE, else $DOVETAIL_CONFIG, else ./dovetail.yml."})
public final class DovetailCommand implements Runnable {
    private final Map<String, String> environment;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Configuration file (default: $DOVETAIL_CONFIG, else ./dovetail.yml).")
    Path config;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Say more; show stack traces on errors.")
    boolean verbose;

    DovetailCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "missing command (try 'dovetail --help')");
    }

    /** The configuration file this run uses. */
    Path configFile() {
        if (config != null) {
            return config;
        }
        String fromEnv = environment.get("DOVETAIL_CONFIG");
        return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "dovetail.yml");
    }

    /** Loads and validates the configuration before any database is touched. */
    Dovetail dovetail() {
        return new Dovetail(new ConfigLoader(environment).load(configFile()), environment);
    }

    boolean verbose() {
        return verbose;
    }

    Map<String, String> environment() {
        return environment;
    }
}
