package org.dovetail.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.dovetail.core.dialect.SequenceState;
import org.junit.jupiter.api.Test;

/** The arithmetic of key slots and of moving a sequence past received values. */
class KeySlotTest {

    @Test
    void firstAboveStaysInTheSlot() {
        KeySlot two = new KeySlot(10, 2);
        assertThat(two.firstAbove(0)).hasValue(2);
        assertThat(two.firstAbove(2)).hasValue(12);
        assertThat(two.firstAbove(11)).hasValue(12);
        assertThat(two.firstAbove(-5)).hasValue(2);
        assertThat(new KeySlot(10, 10).firstAbove(35)).hasValue(40);
        assertThat(new KeySlot(10, 1).firstAbove(Long.MAX_VALUE - 3)).isEmpty();
        assertThat(KeySlot.containing(10, 40)).isEqualTo(new KeySlot(10, 10));
        assertThat(KeySlot.containing(10, 41).holds(101)).isTrue();
    }

    @Test
    void aSequenceMovesPastTheLargestValueInItsOwnStepAndNeverBack() {
        assertThat(new SequenceState(1, 1).movedPast(2)).hasValue(3);
        assertThat(new SequenceState(3, 1).movedPast(2)).isEmpty();
        assertThat(new SequenceState(1000, 1).movedPast(2)).isEmpty();
        // slot 2 of step 10 (12, 22, ...): past 31 is 32, not 31 + 1
        assertThat(new SequenceState(12, 10).movedPast(31)).hasValue(32);
        assertThat(new SequenceState(12, 10).movedPast(32)).hasValue(42);
        assertThat(new SequenceState(5, -1).movedPast(10)).isEmpty();
        assertThat(new SequenceState(22, 10).keeps(new KeySlot(10, 2))).isTrue();
        assertThat(new SequenceState(22, 1).keeps(new KeySlot(10, 2))).isFalse();
    }
}
