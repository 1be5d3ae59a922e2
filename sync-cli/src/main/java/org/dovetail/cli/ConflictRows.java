package org.dovetail.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.dovetail.conflicts.Conflict;
import org.dovetail.conflicts.RowCopy;

/** Turns conflict records into what the admin reads: list rows, and both copies side by side. */
final class ConflictRows {
    static final List<String> LIST_COLUMNS = List.of("id", "table", "key", "kind", "status", "winner",
            "detected_at", "site_a", "site_b", "policy", "run_id", "resolved_by", "resolved_at", "kept", "refused_by", "detail");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConflictRows() {
    }

    /** The key as the admin types and reads it: the values joined by commas. */
    static String key(Conflict c) {
        return String.join(",", read(c.keyJson(), new TypeReference<List<String>>() { }));
    }

    /**
     * Records as a JSON array for a notify command: each record's list columns plus both copies
     * ({@code row_a}, {@code row_b}: column to text value, null for a deleted row).
     */
    static String json(List<Conflict> conflicts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Conflict c : conflicts) {
            Map<String, Object> one = new LinkedHashMap<>(listRow(c));
            one.put("row_a", copy(c.rowA()));
            one.put("row_b", copy(c.rowB()));
            out.add(one);
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> listRow(Conflict c) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", c.id());
        row.put("table", c.table());
        row.put("key", key(c));
        row.put("kind", c.kind());
        row.put("status", c.status());
        row.put("winner", c.winner() == null ? "" : c.winner());
        row.put("detected_at", String.valueOf(c.detectedAt()));
        row.put("site_a", c.siteA());
        row.put("site_b", c.siteB());
        row.put("policy", c.policy());
        row.put("run_id", c.runId());
        row.put("resolved_by", Objects.toString(c.resolvedBy(), ""));
        row.put("resolved_at", c.resolvedAt() == null ? "" : c.resolvedAt().toString());
        row.put("kept", Objects.toString(c.kept(), ""));
        row.put("refused_by", Objects.toString(c.refusedBy(), ""));
        row.put("detail", Objects.toString(c.detail(), ""));
        return row;
    }

    /** Rows of (column, value at site_a, value at site_b, "*" where they differ). */
    static List<String[]> sideBySide(Conflict c) {
        Map<String, String> a = Objects.requireNonNullElse(copy(c.rowA()), Map.of());
        Map<String, String> b = Objects.requireNonNullElse(copy(c.rowB()), Map.of());
        Map<String, String> merged = merged(c) ? copy(c.detail()) : null;
        Set<String> columns = new LinkedHashSet<>(a.keySet());
        columns.addAll(b.keySet());
        List<String[]> rows = new ArrayList<>();
        for (String column : columns) {
            String va = a.get(column);
            String vb = b.get(column);
            String differs = Objects.equals(va, vb) ? "" : "*";
            rows.add(merged == null ? new String[] {column, show(va), show(vb), differs}
                    : new String[] {column, show(va), show(vb), show(merged.get(column)), differs});
        }
        return rows;
    }

    /** Whether the record is a merge by column: its detail holds the result, shown beside both copies. */
    static boolean merged(Conflict c) {
        return Conflict.MERGED.equals(c.status()) && c.detail() != null;
    }

    private static String show(String value) {
        return value == null ? "NULL" : value;
    }

    /** A record's copy as the admin reads it (see {@link RowCopy}); null for none. */
    private static Map<String, String> copy(String json) {
        return json == null ? null : RowCopy.fromJson(json).columns();
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
