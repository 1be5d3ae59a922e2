package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A run registers only the subcommand it invokes (a shorter start); what it prints and its exit
 * code must be those of the command line with every subcommand, for help and usage errors alike.
 */
class SubcommandModelTest {

    @Test
    void aRunWithOneSubcommandPrintsAndExitsAsWithAll(@TempDir Path dir) {
        String missing = dir.resolve("none.yml").toString();
        Map<String, String> env = Map.of("DOVETAIL_CONFIG", missing);
        List<List<String>> runs = List.of(
                List.of(), List.of("--help"), List.of("-h"), List.of("--version"), List.of("-V"), List.of("nope"),
                List.of("Sync", "a", "b"), List.of("--config"), List.of("--bogus", "sync", "a", "b"),
                List.of("help"), List.of("help", "sync"), List.of("help", "conflicts", "list"),
                List.of("-h", "sync"), List.of("--version", "sync", "a", "b"),
                List.of("sync"), List.of("sync", "--help"), List.of("sync", "-h"), List.of("sync", "-V"),
                List.of("sync", "a"), List.of("sync", "a", "b", "c"), List.of("sync", "a", "b", "--push", "--pull"),
                List.of("sync", "--bogus", "a", "b"), List.of("sync", "a", "--all", "--parallel", "x"),
                List.of("sync", "a", "b"), List.of("sync", "a", "--all"), List.of("sync", "a", "b", "--parallel", "2"),
                List.of("-v", "sync", "a", "b"), List.of("--verbose", "--config", missing, "sync", "a", "b"),
                List.of("--config=" + missing, "sync", "a", "b"), List.of("sync", "a", "b", "--config", missing),
                List.of("sync", "a", "b", "status"), List.of("sync", "a", "b", "help"),
                List.of("install"), List.of("install", "--help"), List.of("install", "a"),
                List.of("uninstall", "--help"), List.of("uninstall"),
                List.of("status"), List.of("status", "--help"), List.of("status", "a", "b"),
                List.of("verify", "--help"), List.of("verify", "a"), List.of("demo", "--help"), List.of("demo", "x"),
                List.of("conflicts"), List.of("conflicts", "--help"), List.of("conflicts", "nope"),
                List.of("conflicts", "list"), List.of("conflicts", "list", "--help"),
                List.of("conflicts", "list", "a", "--format", "xml"), List.of("conflicts", "list", "a", "--format", "CSV"),
                List.of("conflicts", "show", "a"), List.of("conflicts", "resolve", "a", "x", "--keep"),
                List.of("conflicts", "export", "--help"), List.of("conflicts", "import", "a"));
        for (List<String> run : runs) {
            String[] args = run.toArray(String[]::new);
            assertThat(captured(Main.commandLine(env, args), args)).as(String.join(" ", run))
                    .isEqualTo(captured(Main.commandLine(env), args));
        }
    }

    @Test
    void theSubcommandIsTheFirstWordAfterConfigAndVerbose() {
        assertThat(Main.subcommand(new String[] {"sync", "a", "b"})).isEqualTo("sync");
        assertThat(Main.subcommand(new String[] {"--config", "sync", "-v", "status", "a"})).isEqualTo("status");
        assertThat(Main.subcommand(new String[] {"--config=x.yml", "--verbose", "verify"})).isEqualTo("verify");
        assertThat(Main.subcommand(new String[] {"--help", "sync"})).isEqualTo("--help");
        assertThat(Main.subcommand(new String[] {"--config"})).isNull();
    }

    private static String captured(CommandLine cli, String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        // a --verbose stack trace's frames name this test's own call path: its first line is what counts
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err.toString().replaceAll("(?m)^\\s+at .*\\R", "");
    }
}
