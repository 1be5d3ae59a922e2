package org.dovetail.sql.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;
import org.junit.jupiter.api.Test;

/** "Did this UPDATE really change the column?" compares exact stored values. */
class SameValueTest {

    @Test
    void nullIsOnlyTheSameAsNull() throws SQLException {
        assertThat(SameValue.test(null, null)).isTrue();
        assertThat(SameValue.test(null, "")).isFalse();
        assertThat(SameValue.test("", null)).isFalse();
    }

    @Test
    void binaryComparesByContent() throws SQLException {
        assertThat(SameValue.test(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
        assertThat(SameValue.test(new byte[] {1, 2}, new byte[] {1, 3})).isFalse();
    }

    @Test
    void numericsKeepTheirScale() throws SQLException {
        assertThat(SameValue.test(new BigDecimal("1.50"), new BigDecimal("1.50"))).isTrue();
        assertThat(SameValue.test(new BigDecimal("1.5"), new BigDecimal("1.50"))).isFalse();
    }

    @Test
    void floatingPointComparesBits() throws SQLException {
        assertThat(SameValue.test(Double.NaN, Double.NaN)).isTrue();
        assertThat(SameValue.test(0.0d, -0.0d)).isFalse();
        assertThat(SameValue.test(0.1f, 0.1f)).isTrue();
    }

    @Test
    void timestampsWithTimeZoneKeepTheirOffset() throws SQLException {
        assertThat(SameValue.test(OffsetDateTime.parse("2024-01-01T10:00Z"),
                OffsetDateTime.parse("2024-01-01T10:00Z"))).isTrue();
        assertThat(SameValue.test(OffsetDateTime.parse("2024-01-01T10:00Z"),
                OffsetDateTime.parse("2024-01-01T12:00+02:00"))).isFalse();
    }

    @Test
    void largeObjectsCompareByContentAcrossChunks() throws SQLException {
        String text = "x".repeat(20_000);
        assertThat(SameValue.test(new SerialClob(text.toCharArray()), new SerialClob(text.toCharArray()))).isTrue();
        assertThat(SameValue.test(new SerialClob(text.toCharArray()),
                new SerialClob((text.substring(1) + "y").toCharArray()))).isFalse();
        byte[] bytes = new byte[20_000];
        byte[] other = bytes.clone();
        other[19_999] = 1;
        assertThat(SameValue.test(new SerialBlob(bytes), new SerialBlob(bytes.clone()))).isTrue();
        assertThat(SameValue.test(new SerialBlob(bytes), new SerialBlob(other))).isFalse();
    }

    @Test
    void everythingElseByEquals() throws SQLException {
        UUID id = UUID.randomUUID();
        assertThat(SameValue.test(id, UUID.fromString(id.toString()))).isTrue();
        assertThat(SameValue.test("snow \u2603", "snow \u2603")).isTrue();
        assertThat(SameValue.test(1L, 2L)).isFalse();
    }
}
