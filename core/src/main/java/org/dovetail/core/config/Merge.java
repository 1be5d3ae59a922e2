package org.dovetail.core.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What a row both sites changed becomes ({@code merge:} under {@code conflicts} and per table):
 * under {@code rows} always a conflict; under {@code columns} one row with both sides' changes
 * when they changed different columns (docs/bookkeeping.md, "Column changes").
 */
public enum Merge {
    ROWS, COLUMNS;

    public static Optional<Merge> parse(String text) {
        return switch (text) {
            case "rows" -> Optional.of(ROWS);
            case "columns" -> Optional.of(COLUMNS);
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
