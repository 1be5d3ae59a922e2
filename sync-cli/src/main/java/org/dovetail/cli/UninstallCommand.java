package org.dovetail.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.dovetail.installer.UninstallResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dovetail uninstall SITE}. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = {"Removes triggers, dv_ columns, tombstone tables and Dovetail's metadata (including "
                + "recorded conflicts) from SITE, leaving the application's tables and data as before install."},
        footer = {"%nExample:", "  dovetail uninstall laptop"})
final class UninstallCommand implements Callable<Integer> {
    @ParentCommand
    private DovetailCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SITE", description = "A site named in the configuration.")
    private String site;

    @Override
    public Integer call() {
        UninstallResult result = root.dovetail().uninstall(site);
        PrintWriter out = spec.commandLine().getOut();
        if (!result.metadataDropped()) {
            out.printf("nothing installed at site %s%n", result.site());
        } else {
            result.tables().forEach(t -> out.printf("%s  uninstalled%n", t));
            out.printf("site %s: Dovetail removed%n", result.site());
        }
        out.flush();
        return 0;
    }
}
