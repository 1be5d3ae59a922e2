package org.dovetail.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.dovetail.engine.Dovetail;
import org.dovetail.installer.InstallResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dovetail install SITE [--print-sql]}. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Adds Dovetail's bookkeeping to SITE: its metadata schema, the dv_ columns, tombstone "
                + "tables and triggers of every configured table, and backfills existing rows. Applications may "
                + "keep writing meanwhile. Safe to re-run; an interrupted install is completed by the next.",
                "With keys: in the configuration, also puts the sequences feeding replicated columns into the "
                + "site's key slot."},
        footer = {"%nExamples:", "  dovetail install desktop", "  dovetail install desktop --print-sql > install.sql"})
final class InstallCommand implements Callable<Integer> {
    @ParentCommand
    private DovetailCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SITE", description = "A site named in the configuration.")
    private String site;

    @Option(names = "--print-sql", description = "Print the DDL instead of running it (for DBAs).")
    private boolean printSql;

    @Override
    public Integer call() {
        Dovetail dovetail = root.dovetail();
        PrintWriter out = spec.commandLine().getOut();
        if (printSql) {
            out.print(dovetail.installSql(site));
            out.flush();
            return 0;
        }
        InstallResult result = dovetail.install(site);
        for (InstallResult.TableInstall table : result.tables()) {
            out.printf("%s  %s  backfilled %d%n", table.table(),
                    table.alreadyInstalled() ? "up to date" : "installed", table.rowsBackfilled());
        }
        if (result.keySlot() != null) {
            out.printf("keys  %s  sequences moved %d%n", result.keySlot(), result.sequencesSlotted());
        }
        out.printf("site %s ready: %d table(s) in %.1f s%n", result.site(), result.tables().size(),
                result.elapsed().toMillis() / 1000.0);
        out.flush();
        return 0;
    }
}
