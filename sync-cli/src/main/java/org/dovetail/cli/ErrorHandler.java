package org.dovetail.cli;

import java.io.PrintWriter;
import org.dovetail.core.DovetailException;
import org.dovetail.core.ExitCode;
import org.dovetail.core.site.SqlErrors;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Maps every failure to one line on stderr and its exit code (SPEC sections 6 and 7);
 * stack traces only with {@code --verbose}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        String command = ex.getCommandLine().getCommandSpec().qualifiedName();
        err.println("error: " + oneLine(ex.getMessage()) + " (see '" + command + " --help')");
        err.flush();
        return ExitCode.USAGE.code();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose") || parsed.subcommands().stream()
                .anyMatch(p -> p.hasMatchedOption("--verbose") || p.subcommands().stream()
                        .anyMatch(q -> q.hasMatchedOption("--verbose")));
        int code;
        String message;
        if (ex instanceof DovetailException de) {
            code = de.exitCode().code();
            message = de.getMessage();
        } else if (ex instanceof ParameterException pe) {
            return handleParseException(pe, new String[0]);
        } else if (SqlErrors.sqlCause(ex).isPresent()) {
            code = ExitCode.FAILED.code();
            message = "database error: " + SqlErrors.describe(ex);
        } else {
            code = ExitCode.FAILED.code();
            message = "unexpected failure: " + SqlErrors.describe(ex);
        }
        err.println("error: " + oneLine(message));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip()
                .replaceFirst("^(?i)error:\\s*", "");
    }
}
