package org.dovetail.conflicts;

import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.Optional;
import org.dovetail.core.config.Policy;

/**
 * The one place that decides a conflict's winner (SPEC section 4). Deterministic, so both
 * sites of a pair always agree: the same two copies give the same winner whichever site runs it.
 */
public final class WinnerRule {
    private static final Comparator<OffsetDateTime> TIME =
            Comparator.nullsFirst(Comparator.comparing(OffsetDateTime::toInstant));

    private WinnerRule() {
    }

    /** The holder of the winning copy; empty under {@code manual}. */
    public static Optional<String> winner(Policy policy, Copy a, Copy b) {
        return switch (policy.kind()) {
            case MANUAL -> Optional.empty();
            case PREFER -> Optional.of(policy.preferredSite().equals(a.holder()) ? a.holder()
                    : policy.preferredSite().equals(b.holder()) ? b.holder() : byVersion(a, b));
            case NEWEST -> Optional.of(byTimeThenVersion(a, b));
            case VERSION -> Optional.of(byVersion(a, b));
        };
    }

    /** More edits wins; then the later change; then the site name that sorts first. */
    public static String byVersion(Copy a, Copy b) {
        if (a.version() != b.version()) {
            return a.version() > b.version() ? a.holder() : b.holder();
        }
        return byTime(a, b);
    }

    private static String byTimeThenVersion(Copy a, Copy b) {
        int t = TIME.compare(a.changedAt(), b.changedAt());
        if (t != 0) {
            return t > 0 ? a.holder() : b.holder();
        }
        return byVersion(a, b);
    }

    private static String byTime(Copy a, Copy b) {
        int t = TIME.compare(a.changedAt(), b.changedAt());
        if (t != 0) {
            return t > 0 ? a.holder() : b.holder();
        }
        String na = a.madeAt() == null ? a.holder() : a.madeAt();
        String nb = b.madeAt() == null ? b.holder() : b.madeAt();
        if (!na.equals(nb)) {
            return na.compareTo(nb) < 0 ? a.holder() : b.holder();
        }
        return a.holder().compareTo(b.holder()) < 0 ? a.holder() : b.holder();
    }
}
