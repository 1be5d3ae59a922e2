package org.dovetail.conflicts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.dovetail.core.config.Policy;
import org.junit.jupiter.api.Test;

/** The one rule that picks a conflict's winner: the same answer whichever site asks, in either order. */
class WinnerRuleTest {
    private static final OffsetDateTime NINE = OffsetDateTime.of(2026, 12, 2, 9, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime TEN_IN_BERLIN = OffsetDateTime.of(2026, 12, 2, 10, 0, 0, 0,
            ZoneOffset.ofHours(1));   // the same instant as NINE

    private static Copy copy(String holder, long version, OffsetDateTime at, String madeAt) {
        return new Copy(holder, version, at, madeAt);
    }

    private static String both(Policy policy, Copy x, Copy y) {
        String one = WinnerRule.winner(policy, x, y).orElse(null);
        String other = WinnerRule.winner(policy, y, x).orElse(null);
        assertThat(one).as("order of the copies must not matter").isEqualTo(other);
        return one;
    }

    @Test
    void versionPicksMoreEditsThenTheLaterChangeThenTheMakerThatSortsFirst() {
        Policy version = Policy.parse("version").orElseThrow();
        assertThat(both(version, copy("a", 3, NINE, "a"), copy("b", 2, NINE.plusHours(1), "b"))).isEqualTo("a");
        assertThat(both(version, copy("a", 2, NINE, "a"), copy("b", 2, NINE.plusSeconds(1), "b"))).isEqualTo("b");
        // same instant in other zones: the site that made the change and sorts first
        assertThat(both(version, copy("a", 2, NINE, "z"), copy("b", 2, TEN_IN_BERLIN, "m"))).isEqualTo("b");
        // nothing tells them apart: the holder that sorts first
        assertThat(both(version, copy("b", 1, NINE, null), copy("a", 1, NINE, null))).isEqualTo("a");
        // a missing change time counts as the earliest
        assertThat(both(version, copy("a", 1, null, "a"), copy("b", 1, NINE, "b"))).isEqualTo("b");
    }

    @Test
    void preferWinsOnlyForOneOfThePairAndManualPicksNone() {
        assertThat(both(Policy.parse("prefer:b").orElseThrow(), copy("a", 9, NINE, "a"), copy("b", 1, NINE, "b"))).isEqualTo("b");
        // the preferred site is not one of this pair: version decides
        assertThat(both(Policy.parse("prefer:hq").orElseThrow(), copy("a", 9, NINE, "a"), copy("b", 1, NINE, "b")))
                .isEqualTo("a");
        assertThat(WinnerRule.winner(Policy.parse("manual").orElseThrow(), copy("a", 9, NINE, "a"), copy("b", 1, NINE, "b")))
                .isEmpty();
    }

    @Test
    void newestPicksTheLaterChangeThenMoreEdits() {
        Policy newest = Policy.parse("newest").orElseThrow();
        assertThat(both(newest, copy("a", 9, NINE, "a"), copy("b", 1, NINE.plusMinutes(1), "b"))).isEqualTo("b");
        assertThat(both(newest, copy("a", 9, NINE, "a"), copy("b", 1, TEN_IN_BERLIN, "b"))).isEqualTo("a");
    }
}
