package org.dovetail.core.dialect.mariadb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.dovetail.core.capture.ChangeCapture;
import org.dovetail.core.capture.Watermark;
import org.jooq.Condition;
import org.jooq.Field;

/**
 * MariaDB change capture. InnoDB hands out no transaction snapshots a later reader could use,
 * so, as on H2, the reader asks which change numbers are settled before it reads and never
 * moves its watermark past them: every writing transaction registers the first number it takes
 * in {@code in_flight} (one row per connection, written and locked before the number is taken:
 * {@code next_seq()} in site-objects.sql), and a row that is still locked belongs to a
 * transaction still running.
 */
final class MariaDbChangeCapture implements ChangeCapture {
    private final String meta;

    MariaDbChangeCapture(String meta) {
        this.meta = meta;
    }

    /**
     * {@code min(C, L - 1)}: {@code C} the last number handed out before this call, {@code L}
     * the smallest first number among transactions still running. First {@code C}, then the
     * registrations with READ UNCOMMITTED (a transaction that took a number up to {@code C}
     * had registered before: its row is seen, uncommitted or not), then which of them are not
     * locked ({@code SKIP LOCKED}): those transactions have ended, so their rows are visible to
     * the read that follows, and their registrations are cleared.
     */
    @Override
    public long settledSeqBeforeRead(Connection connection) throws SQLException {
        connection.commit();
        long last;
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT NEXTVAL(" + table("change_seq") + ")")) {
                rs.next();
                last = rs.getLong(1) - 1;
            }
            connection.commit();
            s.execute("SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED");
            Map<Long, Long> registered = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT conn_id, first_seq FROM " + table("in_flight"))) {
                while (rs.next()) {
                    registered.put(rs.getLong(1), rs.getLong(2));
                }
            }
            Set<Long> ended = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT conn_id FROM " + table("in_flight")
                    + " FOR UPDATE SKIP LOCKED")) {
                while (rs.next()) {
                    ended.add(rs.getLong(1));
                }
            }
            if (!ended.isEmpty()) {
                s.executeUpdate("DELETE FROM " + table("in_flight") + " WHERE conn_id IN ("
                        + ended.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")");
            }
            connection.commit();
            long settled = last;
            for (Map.Entry<Long, Long> r : registered.entrySet()) {
                if (!ended.contains(r.getKey())) {
                    // 0: the transaction is taking its first number right now
                    settled = Math.min(settled, r.getValue() - 1);
                }
            }
            return Math.max(settled, 0);
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    @Override
    public String snapshotOfReadTransaction(Connection connection) {
        return null;
    }

    @Override
    public Condition changedSince(Watermark w, Field<Long> seq, Field<Long> txid) {
        return seq.gt(w.seq());
    }

    @Override
    public String nextSeqExpression() {
        return table("next_seq") + "()";
    }

    @Override
    public String txidExpression() {
        return null;
    }

    private String table(String name) {
        return MariaDbNames.qualified(meta, name);
    }
}
