package org.dovetail.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/** Entry point of {@code dovetail.jar}. */
public final class Main {
    /** The subcommands in the order {@code dovetail --help} lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(InstallCommand.class, UninstallCommand.class,
            SyncCommand.class, ConflictsCommand.class, VerifyCommand.class, StatusCommand.class, DemoCommand.class,
            CommandLine.HelpCommand.class);
    private static final List<String> NAMES = List.of("install", "uninstall", "sync", "conflicts", "verify", "status",
            "demo", "help");
    /** The options of {@code dovetail} itself that may come before the subcommand and print nothing themselves. */
    private static final Set<String> QUIET_OPTIONS = Set.of("-v", "--verbose");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs the command line with the given environment; returns the exit code. */
    public static int run(String[] args, Map<String, String> environment) {
        return commandLine(environment, args).execute(args);
    }

    /** The configured command line with every subcommand, for tests that capture its output. */
    public static CommandLine commandLine(Map<String, String> environment) {
        return configure(new CommandLine(new DovetailCommand(environment)), SUBCOMMANDS);
    }

    /**
     * The command line for one run: with only the subcommand {@code args} invoke when they
     * plainly name one, else with all of them. Picocli builds a command's model by reflection
     * over its annotations, which is a good part of a short run's start; a run parses, prints and
     * exits exactly as with all of them, since nothing it does reads the other subcommands.
     */
    public static CommandLine commandLine(Map<String, String> environment, String[] args) {
        String name = subcommand(args);
        int invoked = name == null ? -1 : NAMES.indexOf(name);
        return configure(new CommandLine(new DovetailCommand(environment)),
                invoked < 0 || NAMES.get(invoked).equals("help") ? SUBCOMMANDS : List.of(SUBCOMMANDS.get(invoked)));
    }

    /**
     * The subcommand's name: the first word after nothing but {@code --config FILE} and
     * {@code --verbose}; null when anything else comes first (help, version, a mistake, an
     * argument file), whose handling may list the subcommands.
     */
    static String subcommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                i++;
            } else if (!arg.startsWith("--config=") && !QUIET_OPTIONS.contains(arg)) {
                return arg;
            }
        }
        return null;
    }

    private static CommandLine configure(CommandLine cli, List<Class<?>> subcommands) {
        for (Class<?> subcommand : subcommands) {
            cli.addSubcommand(subcommand);
        }
        ErrorHandler errors = new ErrorHandler();
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
