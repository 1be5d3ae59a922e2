package org.dovetail.engine.sync;

import java.sql.Connection;
import java.sql.SQLException;

/** The writes that make a batch of received changes true at the target. */
interface BatchWrites {

    /** Makes the target's state of the key equal to {@code change}; {@code there} is its current state (null: none). */
    void add(RowState change, RowState there);

    /** Runs the writes in the connection's current transaction, in applying mode. */
    void execute(Connection c) throws SQLException;
}
