package org.dovetail.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dovetail.conflicts.Conflict;
import org.dovetail.engine.Dovetail;
import org.dovetail.engine.demo.DemoSites;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.engine.sync.TableOutcome;
import org.dovetail.engine.sync.Verifier;
import org.dovetail.installer.InstallResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dovetail demo [--dir DIR]}: the embedded walk-through, told in plain words. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Walks through Dovetail on two embedded H2 databases (desktop and laptop): install, sync, "
                + "edits at both sides with one conflict and one delete, the conflict reviewed and overridden, "
                + "sync again, verify. Needs nothing but Java; safe to re-run (it starts afresh)."},
        footer = {"%nExample:", "  ./dovetail demo --dir /tmp/dovetail-demo",
            "%nAfterwards, try the commands yourself with the demo's configuration:",
            "  ./dovetail --config dovetail-demo/dovetail.yml conflicts list desktop"})
final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "dovetail-demo",
            description = "Where the demo's databases and dovetail.yml go (default: ${DEFAULT-VALUE}).")
    private Path dir;

    private PrintWriter out;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        DemoSites demo = new DemoSites(dir);
        step("1. Two sites: H2 databases 'desktop' and 'laptop' in " + demo.dir());
        Dovetail dovetail = demo.create();
        say("The desktop has three customers; the laptop an empty customers table.");
        say("Configuration written to " + demo.dir().resolve("dovetail.yml"));

        step("2. dovetail install desktop / laptop: bookkeeping columns, tombstone table, triggers");
        for (String site : List.of(DemoSites.DESKTOP, DemoSites.LAPTOP)) {
            InstallResult r = dovetail.install(site);
            r.tables().forEach(t -> say(site + ": " + t.table() + " installed, " + t.rowsBackfilled()
                    + " existing rows given a version and origin"));
        }

        step("3. dovetail sync desktop laptop: the first sync compares every row");
        sync(dovetail);

        step("4. The two are edited while apart");
        demo.editWhileApart().forEach(this::say);

        step("5. dovetail sync desktop laptop: one-sided changes cross over; Ada was changed at both sides");
        sync(dovetail);

        step("6. dovetail conflicts list desktop");
        List<Conflict> conflicts = dovetail.conflicts(DemoSites.DESKTOP, "all", null);
        TextTable.print(out, List.of("id", "table", "key", "kind", "status", "winner"), conflicts.stream()
                .map(c -> List.of(c.id(), c.table(), ConflictRows.key(c), c.kind(), c.status(),
                        String.valueOf(c.winner()))).toList());
        Conflict ada = conflicts.get(0);
        step("7. dovetail conflicts show desktop " + ada.id() + "   ('*' marks what differs)");
        TextTable.print(out, List.of("column", ada.siteA(), ada.siteB(), "differs"),
                ConflictRows.sideBySide(ada).stream().map(List::of).toList());
        String other = ada.winner().equals(DemoSites.DESKTOP) ? DemoSites.LAPTOP : DemoSites.DESKTOP;
        say("Both copies have the same version, so the later change won automatically: " + ada.winner() + ".");

        step("8. The admin overrides: dovetail conflicts resolve desktop " + ada.id() + " --keep " + other);
        dovetail.resolve(DemoSites.DESKTOP, List.of(ada.id()), other);
        say("The kept copy is written at the desktop as a new change, above both versions.");

        step("9. dovetail sync desktop laptop: the decision travels to the laptop");
        sync(dovetail);

        step("10. dovetail verify desktop laptop");
        Verifier.Result verify = dovetail.verify(DemoSites.DESKTOP, DemoSites.LAPTOP, List.of());
        verify.tables().forEach(t -> say(t.table() + ": " + (t.differing() == 0 ? "identical, " + t.rowsA()
                + " rows" : t.differing() + " differing keys " + t.keys())));
        say("Customers at both sites now:");
        demo.customers(DemoSites.LAPTOP).forEach(line -> say("  " + line));
        out.println();
        out.println("Done. Explore further with: ./dovetail --config " + demo.dir().resolve("dovetail.yml")
                + " conflicts list laptop --status all");
        out.flush();
        return verify.identical() ? 0 : 5;
    }

    private void sync(Dovetail dovetail) {
        SyncResult r = dovetail.sync(SyncOptions.both(DemoSites.DESKTOP, DemoSites.LAPTOP));
        for (TableOutcome t : r.tables()) {
            say(String.format("%s  pushed %d  pulled %d  conflicts %d", t.table(), t.pushed(), t.pulled(),
                    t.conflicts()));
        }
    }

    private void step(String title) {
        out.println();
        out.println(title);
    }

    private void say(String line) {
        out.println("   " + line);
    }
}
