package org.dovetail.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.dovetail.engine.sync.HubSync;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.engine.sync.TableOutcome;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dovetail sync A B [--push | --pull] [--tables t1,t2] [--dry-run] [--json]} and
 * {@code dovetail sync HUB --all [--parallel N] ...}.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Copies the changes made at each site since the pair last synced to the other site, "
                + "and records true conflicts at both sites. Prints a line per table and a total line."},
        footer = {"%nExamples:", "  dovetail sync desktop laptop", "  dovetail sync branch hq --push   "
                + "# cron: upload only", "  dovetail sync desktop laptop --tables orders --dry-run",
                "  dovetail sync hq --all --parallel 3   # hq with every other configured site",
                "%nExit codes: 0 done; 1 failed; 2 usage/configuration; 3 conflicts recorded or open; "
                + "4 another sync of the pair is running. With --all: the most serious of the peers' codes "
                + "(1, then 2, then 3); 4 only when every peer's pair was locked."})
final class SyncCommand implements Callable<Integer> {
    @ParentCommand
    private DovetailCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "The first site.")
    private String siteA;

    @Parameters(index = "1", paramLabel = "B", arity = "0..1", description = "The second site (not with --all).")
    private String siteB;

    @Option(names = "--all", description = "Sync A, the hub, with every other configured site, a block of lines "
            + "per peer and a total.")
    private boolean all;

    @Option(names = "--parallel", paramLabel = "N", description = "With --all: how many pairs sync at a time "
            + "(default: ${DEFAULT-VALUE}).")
    private int parallel = 1;

    @ArgGroup(exclusive = true)
    private Direction direction;

    static final class Direction {
        @Option(names = "--push", required = true, description = "Copy A's changes to B only.")
        boolean push;

        @Option(names = "--pull", required = true, description = "Copy B's changes to A only.")
        boolean pull;
    }

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these configured tables.")
    private List<String> tables = List.of();

    @Option(names = "--dry-run", description = "Report what would happen; change nothing at either site.")
    private boolean dryRun;

    @Option(names = "--json", description = "Print a machine-readable summary instead of the table lines.")
    private boolean json;

    @Override
    public Integer call() {
        if (all == (siteB != null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), all
                    ? "--all syncs " + siteA + " with every other site: name no second site"
                    : "sync needs two sites, or one site and --all");
        }
        if (parallel != 1 && !all) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--parallel needs --all");
        }
        var dovetail = root.dovetail();
        boolean push = direction == null || direction.push;
        boolean pull = direction == null || direction.pull;
        PrintWriter out = spec.commandLine().getOut();
        if (all) {
            return syncAll(dovetail, push, pull, out);
        }
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(!json)) {
            SyncResult result = dovetail.sync(new SyncOptions(siteA, siteB, push, pull, tables, dryRun, progress));
            progress.close();
            if (json) {
                out.println(SyncJson.of(result));
            } else {
                if (root.verbose()) {
                    out.printf("run %s: %s <-> %s%s%n", result.runId(), result.siteA(), result.siteB(),
                            result.dryRun() ? " (dry run)" : "");
                }
                print(out, result);
            }
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            result.tables().stream().filter(TableOutcome::failed).forEach(t -> err.println("error: " + t.error()));
            notifyConflicts(dovetail, result, err);
            err.flush();
            return result.exitCode().code();
        }
    }

    /** The hub with every peer: a block per peer (in peer order), then the total. */
    private int syncAll(org.dovetail.engine.Dovetail dovetail, boolean push, boolean pull, PrintWriter out) {
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(!json && parallel == 1)) {
            HubSync.Result result = dovetail.syncAll(new SyncOptions(siteA, null, push, pull, tables, dryRun,
                    progress), parallel);
            progress.close();
            PrintWriter err = spec.commandLine().getErr();
            if (json) {
                out.println(SyncJson.of(result));
            }
            for (HubSync.Peer peer : result.peers()) {
                if (!json) {
                    out.printf("%s <-> %s%n", siteA, peer.name());
                    if (peer.result() != null) {
                        print(out, peer.result());
                    } else {
                        out.printf("not synced: %s (exit %d)%n", peer.error(), peer.exitCode().code());
                    }
                }
                if (peer.result() != null) {
                    peer.result().tables().stream().filter(TableOutcome::failed)
                            .forEach(t -> err.println("error: " + siteA + " <-> " + peer.name() + ": " + t.error()));
                    notifyConflicts(dovetail, peer.result(), err);
                } else {
                    err.println("error: " + siteA + " <-> " + peer.name() + ": " + peer.error());
                }
            }
            if (!json) {
                out.printf("all %d peers  pushed %d  pulled %d  conflicts %d%s  in %.1f s  exit %d%n",
                        result.peers().size(), result.pushed(), result.pulled(), result.conflicts(),
                        result.merging() ? "  merged " + result.merged() : "",
                        result.elapsed().toMillis() / 1000.0, result.exitCode().code());
            }
            out.flush();
            err.flush();
            return result.exitCode().code();
        }
    }

    /** Runs conflicts.notify when the run recorded new conflicts; its failure is a warning, never the exit code. */
    private static void notifyConflicts(org.dovetail.engine.Dovetail dovetail, SyncResult result, PrintWriter err) {
        if (result.conflicts() == 0 || result.dryRun() || dovetail.config().notifyCommand().isEmpty()) {
            return;
        }
        String records = ConflictRows.json(dovetail.conflictsOfRun(result.siteA(), result.runId()));
        dovetail.notifyConflicts(result, records).ifPresent(warning -> err.println("warning: " + warning));
    }

    private static void print(PrintWriter out, SyncResult result) {
        int width = result.tables().stream().mapToInt(t -> t.table().length()).max().orElse(5);
        width = Math.max(width, "total".length());
        for (TableOutcome t : result.tables()) {
            out.printf("%-" + width + "s  pushed %d  pulled %d  conflicts %d%s%s%n", t.table(), t.pushed(), t.pulled(),
                    t.conflicts(), t.merged() == null ? "" : "  merged " + t.merged(),
                    t.failed() ? "  FAILED" : t.held() > 0 ? "  held " + t.held() : "");
        }
        out.printf("%-" + width + "s  pushed %d  pulled %d  conflicts %d%s  in %.1f s%s%n", "total", result.pushed(),
                result.pulled(), result.conflicts(), result.merging() ? "  merged " + result.merged() : "",
                result.elapsed().toMillis() / 1000.0,
                result.dryRun() ? "  (dry run: nothing changed)"
                        : result.openConflicts() > 0 ? "  (" + result.openConflicts() + " open conflicts)" : "");
    }
}
