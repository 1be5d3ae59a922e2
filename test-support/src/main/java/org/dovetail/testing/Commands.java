package org.dovetail.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external command to completion and captures its combined output (package-private helper). */
final class Commands {

  /** Exit code and combined stdout/stderr of one finished command. */
  record Result(List<String> command, int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    /** One-line description plus the tail of the output, for exception messages. */
    String describe() {
      return "`" + String.join(" ", command) + "` exited with " + exitCode
          + System.lineSeparator() + tail(output, 40);
    }
  }

  private Commands() {}

  /**
   * Runs {@code command} in {@code workDir} with PG* variables removed from the environment.
   * Output goes to a temp file rather than a pipe, so a daemon that inherits the descriptors
   * (e.g. a postmaster) cannot make us hang. Never throws for a non-zero exit or a missing
   * program: that is reported as exit code -1 with the reason as output.
   */
  static Result run(Path workDir, Duration timeout, List<String> command) {
    Path out = null;
    try {
      out = Files.createTempFile("dovetail-cmd-", ".log");
      ProcessBuilder pb = new ProcessBuilder(command)
          .directory(workDir == null ? null : workDir.toFile())
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new Result(command, -1, read(out) + System.lineSeparator()
            + "(timed out after " + timeout.toSeconds() + "s)");
      }
      return new Result(command, p.exitValue(), read(out));
    } catch (IOException e) {
      return new Result(command, -1, "could not run: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(command, -1, "interrupted");
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** The last {@code lines} lines of {@code text}. */
  static String tail(String text, int lines) {
    String[] all = text.strip().split("\\R");
    int from = Math.max(0, all.length - lines);
    return String.join(System.lineSeparator(), List.of(all).subList(from, all.length));
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
