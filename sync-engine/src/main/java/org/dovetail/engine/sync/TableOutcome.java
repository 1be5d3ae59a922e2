package org.dovetail.engine.sync;

/**
 * What a sync did to one table.
 *
 * @param table     the configured table name
 * @param pushed    rows (inserts, updates, deletes) applied at the second site
 * @param pulled    rows applied at the first site
 * @param conflicts conflicts recorded in this run
 * @param held      changes not applied because their key has an open conflict
 * @param merged    rows both sites changed in different columns, merged (null: the table is under
 *                  {@code merge: rows})
 * @param error     why the table was stopped, or null
 */
public record TableOutcome(String table, long pushed, long pulled, long conflicts, long held, Long merged,
                           String error) {

    public boolean failed() {
        return error != null;
    }
}
