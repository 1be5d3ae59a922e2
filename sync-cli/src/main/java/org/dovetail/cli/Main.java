package org.dovetail.cli;

import java.util.Map;
import picocli.CommandLine;

/** Entry point of {@code dovetail.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs the command line with the given environment; returns the exit code. */
    public static int run(String[] args, Map<String, String> environment) {
        return commandLine(environment).execute(args);
    }

    /** The configured command line, for tests that capture its output. */
    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new DovetailCommand(environment));
        ErrorHandler errors = new ErrorHandler();
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
