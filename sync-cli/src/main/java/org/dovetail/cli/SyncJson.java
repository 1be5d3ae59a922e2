package org.dovetail.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.engine.sync.TableOutcome;

/** The {@code sync --json} summary. */
final class SyncJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SyncJson() {
    }

    static String of(SyncResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", r.runId());
        out.put("site_a", r.siteA());
        out.put("site_b", r.siteB());
        out.put("dry_run", r.dryRun());
        List<Map<String, Object>> tables = r.tables().stream().map(SyncJson::table).toList();
        out.put("tables", tables);
        out.put("pushed", r.pushed());
        out.put("pulled", r.pulled());
        out.put("conflicts", r.conflicts());
        out.put("open_conflicts", r.openConflicts());
        out.put("seconds", r.elapsed().toMillis() / 1000.0);
        out.put("exit_code", r.exitCode().code());
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> table(TableOutcome t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", t.table());
        m.put("pushed", t.pushed());
        m.put("pulled", t.pulled());
        m.put("conflicts", t.conflicts());
        m.put("held", t.held());
        m.put("error", t.error());
        return m;
    }
}
