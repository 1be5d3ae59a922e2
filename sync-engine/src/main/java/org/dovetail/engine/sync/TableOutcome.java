package org.dovetail.engine.sync;

/**
 * What a sync did to one table.
 *
 * @param table     the configured table name
 * @param pushed    rows (inserts, updates, deletes) applied at the second site
 * @param pulled    rows applied at the first site
 * @param conflicts conflicts recorded in this run
 * @param held      changes not applied because their key has an open conflict
 * @param error     why the table was stopped, or null
 */
public record TableOutcome(String table, long pushed, long pulled, long conflicts, long held, String error) {

    public boolean failed() {
        return error != null;
    }
}
