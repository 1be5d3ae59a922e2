package org.dovetail.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.dovetail.core.ExitCode;
import org.dovetail.engine.sync.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dovetail verify A B [--tables t1,t2]}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares the user columns of every configured table at both sites and prints the keys "
                + "whose rows differ or exist at one site only (at most " + Verifier.MAX_KEYS + " per table).",
            "Exit code 5 when anything differs."},
        footer = {"%nExample:", "  dovetail verify desktop laptop --tables customers,orders"})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    private DovetailCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A")
    private String siteA;

    @Parameters(index = "1", paramLabel = "B")
    private String siteB;

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these configured tables.")
    private List<String> tables = List.of();

    @Override
    public Integer call() {
        Verifier.Result result = root.dovetail().verify(siteA, siteB, tables);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Verifier.TableVerify t : result.tables()) {
            if (t.error() != null) {
                out.printf("%s  not compared%n", t.table());
                err.println("error: " + t.error());
            } else if (t.differing() == 0) {
                out.printf("%s  identical (%d rows)%n", t.table(), t.rowsA());
            } else {
                out.printf("%s  %d differing key(s): %s%s%n", t.table(), t.differing(), String.join(" ", t.keys()),
                        t.differing() > t.keys().size() ? " ..." : "");
            }
        }
        out.printf("%s in %.1f s%n", result.identical() ? "identical" : "different",
                result.elapsed().toMillis() / 1000.0);
        out.flush();
        err.flush();
        if (result.tables().stream().anyMatch(t -> t.error() != null)) {
            return ExitCode.FAILED.code();
        }
        return result.identical() ? 0 : ExitCode.DIFFERENCES.code();
    }
}
