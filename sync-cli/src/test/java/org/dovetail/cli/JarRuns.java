package org.dovetail.cli;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.dovetail.testing.TestSites;

/** For tests that kill or cut a real sync: the jar started as its own process, and rows to sync. */
final class JarRuns {
    private JarRuns() {
    }

    /** Starts {@code java -Xmx256m -jar target/dovetail.jar --config CONFIG ARGS}; stderr stays readable. */
    static Process start(Path config, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                new File("target/dovetail.jar").getAbsolutePath(), "--config", config.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    /** Inserts items {@code from .. from+count-1} named {@code name i} in one transaction, as an application would. */
    static void fill(TestSites sites, String site, int from, int count, String name) throws Exception {
        try (Connection c = sites.connect(site);
             PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, qty) VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = from; i < from + count; i++) {
                ps.setLong(1, i);
                ps.setString(2, name + " " + i);
                ps.setInt(3, i % 100);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    /** Starts a sync of a and b and kills it after {@code millis}, unless it finished first. */
    static String killAfter(Path config, long millis) throws Exception {
        Process p = JarRuns.start(config, "sync", "a", "b");
        if (p.waitFor(millis, TimeUnit.MILLISECONDS)) {
            return "finished before " + millis + " ms";
        }
        p.destroyForcibly().waitFor();
        return "killed at " + millis + " ms";
    }

    /** Starts a sync of a and b and kills it the moment {@code progress} grows, unless it finished first. */
    static String killWhenGrows(Path config, LongSupplier progress, String what) throws Exception {
        long before = progress.getAsLong();
        Process p = JarRuns.start(config, "sync", "a", "b");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (progress.getAsLong() > before) {
                p.destroyForcibly().waitFor();
                return "killed after " + what;
            }
            Thread.sleep(5);
        }
        p.waitFor();
        return "finished before " + what + " (exit " + p.exitValue() + (p.exitValue() == 0 || p.exitValue() == 3 ? ""
                : ": " + new String(p.getErrorStream().readAllBytes()).strip()) + ")";
    }
}
