package org.dovetail.engine.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code conflicts.notify} command after a sync that recorded new conflicts: the
 * program itself, no shell, with the new records as JSON on its standard input and the run's
 * facts in {@code DOVETAIL_*} environment variables. Its output is not shown; when it fails
 * (cannot start, exits non-zero, outlives the timeout) the result says why in one line, and
 * the sync's own outcome stays as it was.
 */
public final class NotifyCommand {
    /** How long the command may run before it is stopped. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int KEPT_ERROR_CHARS = 300;

    private final List<String> command;
    private final Duration timeout;

    public NotifyCommand(List<String> command, Duration timeout) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    /** Runs it; empty when it exited 0, else why not (one line, naming the program). */
    public Optional<String> run(Map<String, String> environment, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Optional.of("notify command '" + command.get(0) + "' could not start: " + e.getMessage());
        }
        StringBuilder errors = new StringBuilder();
        Thread drain = new Thread(() -> keepTail(process.getErrorStream(), errors), "dovetail-notify-stderr");
        drain.setDaemon(true);
        drain.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a command that does not read its input may close it early; its exit code still counts
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Optional.of("notify command '" + command.get(0) + "' did not finish within "
                        + timeout.toSeconds() + " s and was stopped");
            }
            drain.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return Optional.of("notify command '" + command.get(0) + "' was interrupted");
        }
        if (process.exitValue() == 0) {
            return Optional.empty();
        }
        String said;
        synchronized (errors) {
            said = errors.toString().strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        }
        return Optional.of("notify command '" + command.get(0) + "' exited " + process.exitValue()
                + (said.isEmpty() ? "" : ": " + said));
    }

    private static void keepTail(InputStream err, StringBuilder tail) {
        byte[] buffer = new byte[4096];
        try (err) {
            for (int n = err.read(buffer); n >= 0; n = err.read(buffer)) {
                synchronized (tail) {
                    tail.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (tail.length() > KEPT_ERROR_CHARS) {
                        tail.delete(0, tail.length() - KEPT_ERROR_CHARS);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended; what was read is kept
        }
    }
}
