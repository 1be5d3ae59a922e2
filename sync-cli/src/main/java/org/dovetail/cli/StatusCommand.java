package org.dovetail.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.dovetail.engine.sync.SiteStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dovetail status SITE [--format table|csv|json]}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Per table at SITE: rows ('~' marks the planner's estimate, used where an exact count would "
                + "be slow), changes not yet sent to each peer, the last sync with each peer (time, outcome, counts), "
                + "and open and auto conflicts; and the columns added (+) or removed (-) since install last ran."},
        footer = {"%nExamples:", "  dovetail status hq", "  dovetail status hq --format json"})
final class StatusCommand implements Callable<Integer> {
    static final List<String> COLUMNS = List.of("table", "rows", "rows_estimated", "peer", "unsent", "last_sync",
            "last_outcome", "last_pushed", "last_pulled", "last_conflicts", "open_conflicts", "auto_conflicts",
            "error", "columns_changed");

    @ParentCommand
    private DovetailCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SITE")
    private String site;

    @Option(names = "--format", defaultValue = "table", description = "table (default), csv or json.")
    private ConflictsCommand.Format format;

    @Override
    public Integer call() throws IOException {
        SiteStatus.Result result = root.dovetail().status(site);
        List<Map<String, Object>> rows = rows(result);
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case csv -> {
                CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                        .setHeader(COLUMNS.toArray(String[]::new)).build());
                for (Map<String, Object> row : rows) {
                    csv.printRecord(row.values().stream().map(v -> v == null ? "" : v.toString()).toList());
                }
                csv.flush();
            }
            case json -> {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("site", result.site());
                doc.put("site_id", result.siteId());
                doc.put("tables", rows);
                out.println(new ObjectMapper().registerModule(new JavaTimeModule())
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(doc));
            }
            default -> {
                out.printf("site %s (%s)%n", result.site(), result.siteId());
                List<String> header = List.of("table", "rows", "peer", "unsent", "last_sync", "last_outcome",
                        "open_conflicts", "auto_conflicts");
                TextTable.print(out, header, rows.stream().map(r -> header.stream().map(h -> h.equals("rows")
                        ? (Boolean.TRUE.equals(r.get("rows_estimated")) ? "~" : "") + r.get("rows")
                        : r.get(h) == null ? "" : r.get(h).toString()).toList()).toList());
                for (SiteStatus.TableStatus t : result.tables()) {
                    if (t.columnsChanged() != null) {
                        out.printf("%s: columns changed since install: %s%n", t.table(), t.columnsChanged());
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    private static List<Map<String, Object>> rows(SiteStatus.Result result) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SiteStatus.TableStatus t : result.tables()) {
            List<SiteStatus.PeerStatus> peers = t.peers().isEmpty()
                    ? java.util.Collections.singletonList(null) : t.peers();
            for (SiteStatus.PeerStatus p : peers) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("table", t.table());
                row.put("rows", t.rows());
                row.put("rows_estimated", t.estimated());
                row.put("peer", p == null ? null : p.peer());
                row.put("unsent", p == null ? null : p.unsent());
                row.put("last_sync", p == null || p.lastSync() == null ? null : p.lastSync().toString());
                row.put("last_outcome", p == null ? null : p.outcome());
                row.put("last_pushed", p == null ? null : p.pushed());
                row.put("last_pulled", p == null ? null : p.pulled());
                row.put("last_conflicts", p == null ? null : p.conflicts());
                row.put("open_conflicts", t.open());
                row.put("auto_conflicts", t.auto());
                row.put("error", t.error() != null ? t.error() : p == null ? null : p.error());
                row.put("columns_changed", t.columnsChanged());
                rows.add(row);
            }
        }
        return rows;
    }
}
