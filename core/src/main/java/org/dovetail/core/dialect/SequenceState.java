package org.dovetail.core.dialect;

import java.util.OptionalLong;
import org.dovetail.core.config.KeySlot;

/**
 * Where a sequence stands: the value it hands out next and its increment.
 *
 * @param next      the next value {@code nextval} returns
 * @param increment the increment (negative for a descending sequence)
 */
public record SequenceState(long next, long increment) {

    /**
     * The next value the sequence must hand out so that none of its values up to {@code largest}
     * is used again: its own next value when that is above already, else the first value above
     * {@code largest} in its own step and phase (a site's key slot stays its slot). Empty when it
     * need not move, or cannot (a descending sequence, or no such value fits in a long).
     */
    public OptionalLong movedPast(long largest) {
        if (next > largest || increment <= 0) {
            return OptionalLong.empty();
        }
        return KeySlot.containing(increment, next).firstAbove(largest);
    }

    /** Whether the sequence already hands out only values of the slot. */
    public boolean keeps(KeySlot slot) {
        return increment == slot.step() && slot.holds(next);
    }
}
