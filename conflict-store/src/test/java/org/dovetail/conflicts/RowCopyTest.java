package org.dovetail.conflicts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one codec of a conflict record's row copies: what the sync writes, resolve and the CLI read back. */
class RowCopyTest {
    private static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 2, 9, 30, 15, 123_456_000,
            ZoneOffset.ofHours(1));

    @Test
    void aLiveCopyRoundTripsWithNullsQuotesAndNewlinesInColumnOrder() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("id", "7");
        values.put("name", "ann \"the\" admin,\nline two ✓ 𝄞");
        values.put("note", null);
        values.put("qty", "12.30");
        RowCopy copy = new RowCopy(values, false, 4, "0b1e", "laptop", AT);
        String json = copy.toJson();
        assertThat(json).startsWith("{\"id\":\"7\",\"name\":").contains("\"note\":null")
                .endsWith("\"dv_version\":\"4\",\"dv_origin\":\"0b1e\",\"dv_site\":\"laptop\","
                        + "\"dv_changed_at\":\"2026-12-02T09:30:15.123456+01:00\"}");
        RowCopy back = RowCopy.fromJson(json);
        assertThat(back).isEqualTo(copy);
        assertThat(back.values().keySet()).containsExactly("id", "name", "note", "qty");
    }

    @Test
    void aDeletedCopyKeepsItsKeyAndSaysSo() {
        RowCopy gone = new RowCopy(Map.of("id", "7"), true, 5, "0b1e", "desk", null);
        assertThat(gone.columns()).containsEntry("dv_deleted", "true").containsEntry("dv_changed_at", null);
        RowCopy back = RowCopy.fromJson(gone.toJson());
        assertThat(back.deleted()).isTrue();
        assertThat(back.values()).containsExactly(Map.entry("id", "7"));
        assertThat(back.changedAt()).isNull();
    }

    @Test
    void recordsWrittenBeforeThisCodecReadTheSame() {
        String older = "{\"id\":\"1\",\"name\":\"x\",\"dv_version\":\"2\",\"dv_origin\":\"o\",\"dv_site\":\"a\","
                + "\"dv_changed_at\":\"2026-01-01T00:00Z\"}";
        RowCopy copy = RowCopy.fromJson(older);
        assertThat(copy.version()).isEqualTo(2);
        assertThat(copy.toJson()).isEqualTo(older);
        assertThat(RowCopy.fromJson(null)).isNull();
        assertThatThrownBy(() -> RowCopy.fromJson("{not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a recorded row copy");
    }
}
