package org.dovetail.conflicts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One site's copy of a row as a conflict record keeps it ({@code row_a}, {@code row_b}), and the
 * one codec of its JSON: a flat object of lower-case column names to text values in column order
 * (a deleted row keeps only its key columns and adds {@code "dv_deleted": "true"}), then
 * {@code dv_version}, {@code dv_origin}, {@code dv_site} and {@code dv_changed_at}. Values are
 * text as {@code Values.toText} writes them, so each database reads them back exactly.
 *
 * @param values    column (lower case) to text value (null for SQL NULL), in column order
 * @param deleted   whether the copy is a deletion
 * @param version   its dv_version
 * @param origin    its dv_origin
 * @param site      its dv_site: the site that made the change
 * @param changedAt its dv_changed_at (may be null)
 */
public record RowCopy(Map<String, String> values, boolean deleted, long version, String origin, String site,
                      OffsetDateTime changedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DELETED = "dv_deleted";

    public RowCopy {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Everything the record shows, in order: the values, then the bookkeeping, as text. */
    public Map<String, String> columns() {
        Map<String, String> out = new LinkedHashMap<>(values);
        if (deleted) {
            out.put(DELETED, "true");
        }
        out.put("dv_version", Long.toString(version));
        out.put("dv_origin", origin);
        out.put("dv_site", site);
        out.put("dv_changed_at", changedAt == null ? null : changedAt.toString());
        return out;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(columns());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The copy a record's {@code row_a} or {@code row_b} holds; null for null. */
    public static RowCopy fromJson(String json) {
        if (json == null) {
            return null;
        }
        Map<String, String> all;
        try {
            all = JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a recorded row copy: " + e.getOriginalMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        all.forEach((column, value) -> {
            if (!column.startsWith("dv_")) {
                values.put(column, value);
            }
        });
        String changedAt = all.get("dv_changed_at");
        return new RowCopy(values, "true".equals(all.get(DELETED)), Long.parseLong(all.get("dv_version")),
                all.get("dv_origin"), all.get("dv_site"), changedAt == null ? null : OffsetDateTime.parse(changedAt));
    }
}
