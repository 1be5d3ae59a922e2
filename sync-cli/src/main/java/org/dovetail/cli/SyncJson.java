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

    /** {@code sync HUB --all --json}: an array with one object per peer, in peer order. */
    static String of(org.dovetail.engine.sync.HubSync.Result r) {
        List<Map<String, Object>> peers = new java.util.ArrayList<>();
        for (org.dovetail.engine.sync.HubSync.Peer peer : r.peers()) {
            Map<String, Object> one;
            if (peer.result() != null) {
                one = map(peer.result());
            } else {
                one = new LinkedHashMap<>();
                one.put("site_a", r.hub());
                one.put("site_b", peer.name());
                one.put("error", peer.error());
                one.put("exit_code", peer.exitCode().code());
            }
            peers.add(one);
        }
        return write(peers);
    }

    static String of(SyncResult r) {
        return write(map(r));
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> map(SyncResult r) {
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
        out.put("merged", r.merged());
        out.put("seconds", r.elapsed().toMillis() / 1000.0);
        out.put("exit_code", r.exitCode().code());
        return out;
    }

    private static Map<String, Object> table(TableOutcome t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", t.table());
        m.put("pushed", t.pushed());
        m.put("pulled", t.pulled());
        m.put("conflicts", t.conflicts());
        m.put("held", t.held());
        m.put("merged", t.merged() == null ? 0 : t.merged());
        m.put("error", t.error());
        return m;
    }
}
