package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo needs nothing but Java and can be re-run; every command has help with examples. */
class DemoAndHelpTest {

    @Test
    void demoWalksThroughAndCanBeRerun(@TempDir Path dir) {
        for (int run = 0; run < 2; run++) {
            CliRun demo = CliRun.of("demo", "--dir", dir.toString());
            assertThat(demo.exitCode()).isZero();
            assertThat(demo.err()).isEmpty();
            assertThat(demo.out()).contains("customers  pushed 3  pulled 0  conflicts 0",
                    "customers  pushed 1  pulled 2  conflicts 1", "update/update", "customers: identical, 3 rows",
                    "Katherine Johnson");
            assertThat(demo.out()).doesNotContain("Alan Turing  ");
        }
        assertThat(Files.exists(dir.resolve("dovetail.yml"))).isTrue();
        CliRun list = CliRun.of("--config", dir.resolve("dovetail.yml").toString(), "conflicts", "list", "laptop");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("update/update", "resolved");
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        CommandLine cli = Main.commandLine(System.getenv());
        List<String> commands = List.of("install", "uninstall", "sync", "status", "verify", "demo",
                "conflicts list", "conflicts show", "conflicts resolve", "conflicts export", "conflicts import");
        for (String command : commands) {
            String[] args = (command + " --help").split(" ");
            CliRun help = CliRun.of(args);
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("Usage: dovetail " + command).containsIgnoringCase("example");
        }
        assertThat(cli.getSubcommands()).containsKeys("install", "uninstall", "sync", "status", "verify", "demo",
                "conflicts");
        assertThat(CliRun.of("--version").out()).matches("dovetail \\d+\\.\\d+\\.\\d+.*\\n");
    }
}
