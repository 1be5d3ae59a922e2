package org.dovetail.conflicts;

import java.time.OffsetDateTime;

/**
 * One site's copy of a conflicting row, as far as choosing a winner needs it.
 *
 * @param holder    the pair's site holding this copy
 * @param version   its dv_version
 * @param changedAt its dv_changed_at (may be null)
 * @param madeAt    its dv_site: the site that made the change
 */
public record Copy(String holder, long version, OffsetDateTime changedAt, String madeAt) {
}
