package org.dovetail.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of the real {@code dovetail.jar} as its own process (so that anything a library
 * prints to the real stdout or stderr is seen), in a working directory of the test's choosing,
 * with a time limit: a run that outlives it is killed and reported as hung.
 */
final class BadInputCli {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** What a finished run left: exit code (-1 if it hung), stdout, stderr, and how long it took. */
    record Result(String command, int exitCode, String out, String err, Duration elapsed, boolean hung) {
        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "dovetail " + command + " -> exit " + exitCode + (hung ? " (HUNG, killed)" : "") + " in "
                    + elapsed.toMillis() + " ms; stdout: [" + out.strip() + "] stderr: [" + err.strip() + "]";
        }
    }

    /** A run under way. */
    static final class Running {
        private final String command;
        private final Process process;
        private final Path out;
        private final Path err;
        private final long started;
        private final java.util.concurrent.CompletableFuture<Long> ended;

        private Running(String command, Process process, Path out, Path err, long started) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
            this.started = started;
            this.ended = process.onExit().thenApply(p -> System.nanoTime());
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** Waits until the process ends or {@code limit} has passed since it started (then kills it). */
        Result await(Duration limit) {
            return awaitUntil(started + limit.toNanos());
        }

        /** Waits until the process ends or {@code limit} has passed from now (then kills it). */
        Result awaitWithin(Duration limit) {
            return awaitUntil(System.nanoTime() + limit.toNanos());
        }

        private Result awaitUntil(long deadline) {
            boolean hung;
            try {
                long left = deadline - System.nanoTime();
                hung = !process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS);
                if (hung) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            // when the process ended, not when the test got round to asking (a run may be awaited later)
            Duration elapsed = Duration.ofNanos((hung ? System.nanoTime() : ended.join()) - started);
            try {
                return new Result(command, hung ? -1 : process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                        elapsed, hung);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private BadInputCli() {
    }

    /**
     * Starts {@code java -jar target/dovetail.jar ARGS} in {@code dir} with exactly {@code env}
     * (stdin empty, not a terminal). The JIT is kept to its first tier: these runs are short, and
     * it makes each one start faster without changing what the program does or prints.
     */
    static Running start(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-jar", new File("target/dovetail.jar").getAbsolutePath()));
        command.addAll(List.of(args));
        int n = COUNTER.incrementAndGet();
        Path out = dir.resolve("run" + n + ".out");
        Path err = dir.resolve("run" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            return new Running(String.join(" ", args), pb.start(), out, err, System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to the end, killing the process after {@code limit}. */
    static Result run(Path dir, Map<String, String> env, Duration limit, String... args) {
        return start(dir, env, args).await(limit);
    }
}
