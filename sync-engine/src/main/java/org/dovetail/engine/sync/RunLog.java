package org.dovetail.engine.sync;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.site.SiteMetadata;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/** The {@code sync_run} table at one site: one row per run, from start to outcome. */
public final class RunLog {
    static final String RUNNING = "running";

    private final Connection connection;
    private final DSLContext dsl;
    private final SiteMetadata meta;
    private final Table<Record> table;

    public RunLog(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dsl = Dsl.of(connection, dialect);
        this.meta = new SiteMetadata(connection, dialect);
        this.table = meta.table("sync_run");
    }

    private Field<String> s(String name) {
        return meta.column(name, String.class);
    }

    private Field<Long> n(String name) {
        return meta.column(name, Long.class);
    }

    private Field<OffsetDateTime> t(String name) {
        return meta.column(name, OffsetDateTime.class);
    }

    /** This process as {@code pid@host}, what the runtime's MXBean names it, without loading java.management. */
    static String holder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }

    /** Logs the start of a run and commits; earlier runs of the pair still 'running' died, so they are closed. */
    void start(String runId, String peerId, String peerName) throws SQLException {
        dsl.update(table).set(s("outcome"), "failed").set(s("error_text"), "interrupted (process ended)")
                .set(t("ended_at"), OffsetDateTime.now())
                .where(s("peer_id").eq(peerId)).and(s("outcome").eq(RUNNING)).execute();
        dsl.insertInto(table).set(s("run_id"), runId).set(s("peer_id"), peerId).set(s("peer_name"), peerName)
                .set(t("started_at"), OffsetDateTime.now()).set(s("outcome"), RUNNING).set(s("holder"), holder())
                .set(n("pushed"), 0L).set(n("pulled"), 0L).set(n("conflicts"), 0L).execute();
        connection.commit();
    }

    /** Logs how the run ended and commits. */
    void finish(String runId, String outcome, long pushed, long pulled, long conflicts, String error)
            throws SQLException {
        dsl.update(table).set(s("outcome"), outcome).set(t("ended_at"), OffsetDateTime.now())
                .set(n("pushed"), pushed).set(n("pulled"), pulled).set(n("conflicts"), conflicts)
                .set(s("error_text"), error == null ? null : error.length() > 3900 ? error.substring(0, 3900) : error)
                .where(s("run_id").eq(runId)).execute();
        connection.commit();
    }

    /** Adds a line to a finished run's error text (a notify command's failure, say) and commits. */
    public void note(String runId, String line) throws SQLException {
        String before = dsl.select(s("error_text")).from(table).where(s("run_id").eq(runId)).fetchOne(0, String.class);
        String text = before == null || before.isEmpty() ? line : before + "; " + line;
        dsl.update(table).set(s("error_text"), text.length() > 3900 ? text.substring(0, 3900) : text)
                .where(s("run_id").eq(runId)).execute();
        connection.commit();
    }

    /** Describes the newest run with that peer still marked running, for "who holds the lock" messages. */
    Optional<String> runningWith(String peerId) {
        return dsl.select(s("run_id"), s("holder"), t("started_at")).from(table)
                .where(s("peer_id").eq(peerId)).and(s("outcome").eq(RUNNING))
                .orderBy(t("started_at").desc()).limit(1).fetchOptional()
                .map(r -> "run " + r.value1() + " (process " + r.value2() + ", started " + r.value3() + ")");
    }
}
