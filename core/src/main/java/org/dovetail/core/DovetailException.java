package org.dovetail.core;

/** A failure meant for the user: one line of text and the exit code it maps to. */
public class DovetailException extends RuntimeException {
    private final ExitCode exitCode;

    public DovetailException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DovetailException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** A usage or configuration error (exit 2): nothing was touched. */
    public static DovetailException usage(String message) {
        return new DovetailException(ExitCode.USAGE, message);
    }

    /** A database or I/O failure (exit 1). */
    public static DovetailException failed(String message, Throwable cause) {
        return new DovetailException(ExitCode.FAILED, message, cause);
    }
}
