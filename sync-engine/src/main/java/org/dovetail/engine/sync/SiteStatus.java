package org.dovetail.engine.sync;

import static org.jooq.impl.DSL.count;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.Config;
import org.dovetail.core.config.TableConfig;
import org.dovetail.core.site.Site;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.TableShape;
import org.dovetail.core.site.SiteMetadata;
import org.jooq.DSLContext;
import org.jooq.Field;

/**
 * {@code dovetail status SITE}: per table the row count (the planner's estimate where an
 * exact count would be slow), changes not yet sent to each peer, the last sync with each
 * peer, and open and auto conflicts. Reads only indexes and metadata, never whole tables.
 */
public final class SiteStatus {
    private final Config config;
    private final Site site;

    public SiteStatus(Config config, Site site) {
        this.config = config;
        this.site = site;
    }

    /**
     * A table at the site; {@code columnsChanged} lists the user columns added ({@code +name}) and
     * removed ({@code -name}) since install last ran, null when there are none (or none recorded).
     */
    public record TableStatus(String table, long rows, boolean estimated, long open, long auto,
                              List<PeerStatus> peers, String columnsChanged, String error) {
    }

    /** One peer's view of a table: what it has not received, and how the last sync with it went. */
    public record PeerStatus(String peer, long unsent, OffsetDateTime lastSync, String outcome, long pushed,
                             long pulled, long conflicts, String error) {
    }

    /** The whole report. */
    public record Result(String site, String siteId, List<TableStatus> tables) {
    }

    public Result run() {
        try (SiteSession s = SiteSession.open(site)) {
            Map<String, PeerStatus> lastRuns = lastRuns(s);
            List<TableStatus> tables = new ArrayList<>();
            for (TableConfig table : config.tables()) {
                tables.add(table(s, table, lastRuns));
            }
            return new Result(s.name(), s.identity.id(), tables);
        } catch (SQLException e) {
            throw DovetailException.failed("status of site '" + site.name() + "' failed: " + SqlErrors.describe(e), e);
        }
    }

    private TableStatus table(SiteSession s, TableConfig table, Map<String, PeerStatus> lastRuns) throws SQLException {
        String name = table.name().toString();
        TableShape shape = new Catalog(s.write, s.dialect).find(table.name()).orElse(null);
        SiteMetadata meta = new SiteMetadata(s.write, s.dialect);
        if (shape == null || !meta.isRegistered(shape)) {
            return new TableStatus(name, 0, false, 0, 0, List.of(), null, shape == null ? "table not found"
                    : "not installed (run: dovetail install " + site.name() + ")");
        }
        SideTable side = new SideTable(TablePair.match(name, shape, s.name(), shape, s.name()), true, s.dialect,
                s.dsl(s.write));
        OptionalLong estimate = s.dialect.estimatedRows(s.write, shape);
        long rows = estimate.isPresent() ? estimate.getAsLong() : single(s, new CountSql(side).countRows());
        DSLContext dsl = s.dsl(s.write);
        Field<String> status = meta.column("status", String.class);
        Map<String, Integer> conflicts = new LinkedHashMap<>();
        dsl.select(status, count()).from(meta.table("conflict")).where(meta.column("table_key", String.class).eq(name))
                .groupBy(status).fetch().forEach(r -> conflicts.put(r.value1(), r.value2()));
        Map<String, Long> sent = new LinkedHashMap<>();
        dsl.select(meta.column("peer_name", String.class), meta.column("sent_seq", Long.class))
                .from(meta.table("sent_mark")).where(meta.column("table_key", String.class).eq(shape.key()))
                .fetch().forEach(r -> sent.put(r.value1(), r.value2()));
        lastRuns.keySet().forEach(peer -> sent.putIfAbsent(peer, 0L));
        List<PeerStatus> peers = new ArrayList<>();
        for (Map.Entry<String, Long> peer : sent.entrySet()) {
            long unsent = single(s, new CountSql(side).countSince(peer.getValue() == null ? 0 : peer.getValue(), peer.getKey()));
            PeerStatus last = lastRuns.get(peer.getKey());
            peers.add(last == null ? new PeerStatus(peer.getKey(), unsent, null, "never", 0, 0, 0, null)
                    : new PeerStatus(peer.getKey(), unsent, last.lastSync(), last.outcome(), last.pushed(),
                    last.pulled(), last.conflicts(), last.error()));
        }
        s.write.commit();
        return new TableStatus(name, rows, estimate.isPresent(), conflicts.getOrDefault("open", 0),
                conflicts.getOrDefault("auto", 0), peers, columnsChanged(meta.installedColumns(shape), shape), null);
    }

    /** {@code +added -removed} between the columns recorded at install and the table's now; null when alike. */
    static String columnsChanged(List<String> installed, TableShape now) {
        if (installed.isEmpty()) {
            return null;
        }
        List<String> current = now.columns().stream().map(org.dovetail.core.table.Column::name).toList();
        List<String> changes = new ArrayList<>();
        current.stream().filter(c -> !installed.contains(c)).forEach(c -> changes.add("+" + c));
        installed.stream().filter(c -> !current.contains(c)).forEach(c -> changes.add("-" + c));
        return changes.isEmpty() ? null : String.join(" ", changes);
    }

    /** The newest run with each peer, by peer name. */
    private static Map<String, PeerStatus> lastRuns(SiteSession s) {
        SiteMetadata meta = new SiteMetadata(s.write, s.dialect);
        Map<String, PeerStatus> runs = new LinkedHashMap<>();
        Field<OffsetDateTime> started = meta.column("started_at", OffsetDateTime.class);
        s.dsl(s.write).select(meta.column("peer_name", String.class), started,
                        meta.column("ended_at", OffsetDateTime.class), meta.column("outcome", String.class),
                        meta.column("pushed", Long.class), meta.column("pulled", Long.class),
                        meta.column("conflicts", Long.class), meta.column("error_text", String.class))
                .from(meta.table("sync_run")).orderBy(started.asc())
                .fetch().forEach(r -> runs.put(r.value1(), new PeerStatus(r.value1(), 0,
                        r.value3() != null ? r.value3() : r.value2(), r.value4(), nz(r.value5()), nz(r.value6()),
                        nz(r.value7()), r.value8())));
        return runs;
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    private static long single(SiteSession s, String sql) throws SQLException {
        try (PreparedStatement ps = s.write.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
