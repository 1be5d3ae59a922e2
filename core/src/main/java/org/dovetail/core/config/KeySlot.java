package org.dovetail.core.config;

/**
 * A site's share of every key sequence ({@code keys: {step: N}} with {@code slot: K}): the
 * values congruent to K modulo N, so that sites inserting while apart never pick the same key.
 *
 * @param step N, how many slots there are (at least 1)
 * @param slot K, this site's slot, 1 to N
 */
public record KeySlot(long step, long slot) {

    public KeySlot {
        if (step < 1 || slot < 1 || slot > step) {
            throw new IllegalArgumentException("slot " + slot + " of step " + step);
        }
    }

    /** The slot of step {@code step} that {@code value} lies in. */
    public static KeySlot containing(long step, long value) {
        return new KeySlot(step, Math.floorMod(value - 1, step) + 1);
    }

    /** Whether the value lies in this slot. */
    public boolean holds(long value) {
        return Math.floorMod(value - slot, step) == 0;
    }

    /** The smallest value of this slot above {@code value}; empty when it would not fit in a long. */
    public java.util.OptionalLong firstAbove(long value) {
        long distance = Math.floorMod(slot - value, step);
        long gap = distance == 0 ? step : distance;
        return value > Long.MAX_VALUE - gap ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(value + gap);
    }

    @Override
    public String toString() {
        return "slot " + slot + " of step " + step;
    }
}
