package org.dovetail.engine.sync;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.dovetail.core.row.Values;

/** A primary-key value, comparable across sites. */
record RowKey(Object[] parts) {

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RowKey other) || other.parts.length != parts.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            if (!Values.same(parts[i], other.parts[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Object p : parts) {
            h = 31 * h + Values.hash(p);
        }
        return h;
    }

    /** The key as text, as conflict records and messages show it: values joined by commas. */
    public String text() {
        return Arrays.stream(parts).map(Values::toText).collect(Collectors.joining(","));
    }

    /** The key as a JSON array of texts: exact, and the form conflict records store. */
    public String json() {
        try {
            return JSON.writeValueAsString(Arrays.stream(parts).map(Values::toText).toList());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public String toString() {
        return text();
    }
}
