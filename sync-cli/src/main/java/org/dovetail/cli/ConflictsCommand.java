package org.dovetail.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.dovetail.conflicts.Conflict;
import org.dovetail.engine.sync.ConflictResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dovetail conflicts ...}: the review table's commands. */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
        description = "Review recorded conflicts and override automatic decisions.",
        subcommands = {ConflictsCommand.ListCmd.class, ConflictsCommand.ShowCmd.class,
            ConflictsCommand.ResolveCmd.class, ConflictsCommand.ExportCmd.class, ConflictsCommand.ImportCmd.class})
final class ConflictsCommand implements Runnable {
    @ParentCommand
    DovetailCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: list, show, resolve, export or import");
    }

    /** What every conflicts subcommand has: its parent (for the configuration) and the SITE it works at. */
    abstract static class AtSite {
        @ParentCommand
        ConflictsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SITE", description = "A site named in the configuration.")
        String site;
    }

    /** Output formats of {@code conflicts list}. */
    enum Format { table, csv, json }

    /** {@code conflicts list SITE}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the conflicts recorded at SITE.",
            footer = {"%nExamples:", "  dovetail conflicts list hq --status open",
                "  dovetail conflicts list hq --table orders --format csv > conflicts.csv"})
    static final class ListCmd extends AtSite implements Callable<Integer> {

        @Option(names = "--status", defaultValue = "all",
                description = "open, auto, resolved, merged (rows merged by column) or all (default).")
        String status;

        @Option(names = "--table", paramLabel = "T", description = "Only conflicts of this table.")
        String table;

        @Option(names = "--format", defaultValue = "table", description = "table (default), csv or json.")
        Format format;

        @Override
        public Integer call() throws IOException {
            if (!List.of("open", "auto", "resolved", "merged", "all").contains(status)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "invalid --status '" + status + "' (expected open, auto, resolved, merged or all)");
            }
            List<Conflict> conflicts = parent.root.dovetail().conflicts(site, status, table);
            PrintWriter out = spec.commandLine().getOut();
            List<Map<String, String>> rows = conflicts.stream().map(ConflictRows::listRow).toList();
            switch (format) {
                case csv -> {
                    CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                            .setHeader(ConflictRows.LIST_COLUMNS.toArray(String[]::new)).build());
                    for (Map<String, String> row : rows) {
                        csv.printRecord(row.values().stream()
                                .map(v -> v == null ? "" : org.dovetail.conflicts.ConflictCsv.asText(v)).toList());
                    }
                    csv.flush();
                }
                case json -> out.println(new ObjectMapper().writeValueAsString(rows));
                default -> {
                    List<String> header = List.of("id", "table", "key", "kind", "status", "winner", "detected_at");
                    TextTable.print(out, header, rows.stream()
                            .map(r -> header.stream().map(r::get).toList()).toList());
                    out.printf("merged".equals(status) ? "%d merged row(s)%n" : "%d conflict(s)%n", rows.size());
                }
            }
            out.flush();
            return 0;
        }
    }

    /** {@code conflicts show SITE ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show both copies of a conflict side by side; '*' marks the columns that differ.",
            footer = {"%nExample:", "  dovetail conflicts show hq k3x9m2qa"})
    static final class ShowCmd extends AtSite implements Callable<Integer> {

        @Parameters(index = "1", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            Conflict c = parent.root.dovetail().conflict(site, id);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("conflict %s  table %s  key %s  kind %s%n", c.id(), c.table(), ConflictRows.key(c), c.kind());
            out.printf("status %s  winner %s  policy %s  detected %s  run %s%n", c.status(),
                    c.winner() != null ? c.winner() : ConflictRows.merged(c) ? "(none: merged by column)"
                            : "(none: an admin decides)", c.policy(), c.detectedAt(),
                    c.runId());
            if (c.rejected()) {
                out.printf("refused by %s: %s%n", c.refusedBy(), c.detail());
            }
            if (c.resolvedAt() != null) {
                out.printf("resolved by %s at %s, kept %s%n", c.resolvedBy(), c.resolvedAt(), c.kept());
            }
            out.println();
            TextTable.print(out, ConflictRows.merged(c) ? List.of("column", c.siteA(), c.siteB(), "merged", "differs")
                            : List.of("column", c.siteA(), c.siteB(), "differs"),
                    ConflictRows.sideBySide(c).stream().map(List::of).toList());
            out.flush();
            return 0;
        }
    }

    /** {@code conflicts resolve SITE ID --keep SITENAME} and {@code --all --table T}. */
    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = {"The admin override: write the kept copy at SITE as a new change (version above both), "
                + "so the next sync carries it to the other site, and mark the conflict resolved.",
                "Keeping the automatic winner just confirms it. A conflict whose row changed at SITE after it "
                + "was recorded is refused (sync, then review again)."},
            footer = {"%nExamples:", "  dovetail conflicts resolve hq k3x9m2qa --keep laptop",
                "  dovetail conflicts resolve hq --all --table orders --keep hq"})
    static final class ResolveCmd extends AtSite implements Callable<Integer> {

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "The conflict's id.")
        String id;

        @Option(names = "--all", description = "Every unresolved conflict of --table.")
        boolean all;

        @Option(names = "--table", paramLabel = "T", description = "With --all: the table.")
        String table;

        @Option(names = "--keep", required = true, paramLabel = "SITENAME", description = "Whose copy to keep.")
        String keep;

        @Override
        public Integer call() {
            if ((id == null) == (!all)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "give either a conflict ID or --all --table T");
            }
            if (all && table == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--all needs --table T");
            }
            var dovetail = parent.root.dovetail();
            List<ConflictResolver.Outcome> outcomes = id != null
                    ? dovetail.resolve(site, List.of(id), keep)
                    : dovetail.resolveAll(site, table, keep);
            PrintWriter out = spec.commandLine().getOut();
            for (ConflictResolver.Outcome o : outcomes) {
                out.printf("%s  %s%n", o.id(), o.skippedBecause() == null ? "resolved, kept " + o.kept()
                        : "skipped: " + o.skippedBecause());
            }
            if (outcomes.isEmpty()) {
                out.println("nothing to resolve");
            }
            out.flush();
            return 0;
        }
    }


    /** {@code conflicts export SITE --format csv [--output FILE]}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Export the conflicts recorded at SITE as CSV for review in a spreadsheet, with an empty "
                + "'decision' column: fill it with a site name to keep that site's copy, then import the file."},
            footer = {"%nExample:", "  dovetail conflicts export hq --format csv --output review.csv"})
    static final class ExportCmd extends AtSite implements Callable<Integer> {

        @Option(names = "--format", defaultValue = "csv", description = "csv (the only format).")
        String format;

        @Option(names = "--output", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        java.nio.file.Path output;

        @Override
        public Integer call() throws IOException {
            if (!"csv".equals(format)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "invalid --format '" + format + "' (expected csv)");
            }
            var dovetail = parent.root.dovetail();
            if (output == null) {
                PrintWriter out = spec.commandLine().getOut();
                dovetail.exportConflicts(site, ConflictRows::key, out);
                out.flush();
                return 0;
            }
            StringBuilder csv = new StringBuilder();
            int count = dovetail.exportConflicts(site, ConflictRows::key, csv);
            java.nio.file.Files.writeString(output, csv, java.nio.charset.StandardCharsets.UTF_8);
            spec.commandLine().getOut().printf("%d conflict(s) written to %s%n", count, output);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code conflicts import SITE FILE}. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Apply the decisions of a filled-in export: rows whose 'decision' names a site are "
                + "resolved keeping that site's copy; blank rows are left alone. Any bad row is reported by line "
                + "number and nothing is applied."},
            footer = {"%nExample:", "  dovetail conflicts import hq review.csv"})
    static final class ImportCmd extends AtSite implements Callable<Integer> {

        @Parameters(index = "1", paramLabel = "FILE")
        java.nio.file.Path file;

        @Override
        public Integer call() {
            var dovetail = parent.root.dovetail();
            List<ConflictResolver.Outcome> outcomes;
            try (var reader = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
                outcomes = dovetail.importDecisions(site, reader, file.toString());
            } catch (IOException e) {
                throw org.dovetail.core.DovetailException.usage("cannot read " + file + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            for (ConflictResolver.Outcome o : outcomes) {
                out.printf("%s  %s%n", o.id(), o.skippedBecause() == null ? "resolved, kept " + o.kept()
                        : "skipped: " + o.skippedBecause());
            }
            out.printf("%d decision(s) applied%n", outcomes.stream().filter(o -> o.skippedBecause() == null).count());
            out.flush();
            return 0;
        }
    }
}
