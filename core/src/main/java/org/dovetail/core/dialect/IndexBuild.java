package org.dovetail.core.dialect;

/**
 * An index install adds to an application's table after the backfill, built without blocking the
 * application's writes (PostgreSQL: {@code CREATE INDEX CONCURRENTLY}), each statement on its own
 * outside a transaction.
 *
 * @param name       the index, schema-qualified and quoted
 * @param create     builds it; a no-op when an index of that name exists
 * @param drop       removes an index of that name that a build interrupted earlier left unusable
 * @param validQuery one row, {@code true} when the index exists and is usable, {@code false} when
 *                   it exists but is not (then {@link #drop} and {@link #create} again); no row
 *                   when it does not exist
 */
public record IndexBuild(String name, String create, String drop, String validQuery) {
}
