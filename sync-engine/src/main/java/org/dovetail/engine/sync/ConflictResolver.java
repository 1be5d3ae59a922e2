package org.dovetail.engine.sync;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dovetail.conflicts.Conflict;
import org.dovetail.conflicts.RowCopy;
import org.dovetail.conflicts.ConflictStore;
import org.dovetail.core.DovetailException;
import org.dovetail.core.config.Config;
import org.dovetail.core.config.TableConfig;
import org.dovetail.core.row.Values;
import org.dovetail.core.site.Site;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.TableShape;

/**
 * The admin override ({@code conflicts resolve}): writes the kept copy at one site as a
 * new change, with a version above both copies, so the next sync carries it to the other
 * site; marks the record resolved here (and, through that sync, there).
 */
public final class ConflictResolver {

    private final Config config;
    private final Site site;

    public ConflictResolver(Config config, Site site) {
        this.config = config;
        this.site = site;
    }

    /** What resolving one conflict did. */
    public record Outcome(String id, String kept, String skippedBecause) {
    }

    /** Resolves conflicts (by id) keeping one site's copy, all in one transaction. */
    public List<Outcome> resolve(List<String> ids, String keep, boolean skipStale) {
        java.util.LinkedHashMap<String, String> decisions = new java.util.LinkedHashMap<>();
        ids.forEach(id -> decisions.put(id, keep));
        return resolve(decisions, skipStale);
    }

    /**
     * Resolves each conflict (id to the site whose copy to keep) in one transaction: unless
     * {@code skipStale}, one that cannot be resolved undoes them all.
     */
    public List<Outcome> resolve(Map<String, String> decisions, boolean skipStale) {
        String user = System.getProperty("user.name", "unknown");
        try (SiteSession s = SiteSession.open(site)) {
            ConflictStore store = new ConflictStore(s.write, s.dialect);
            List<Outcome> outcomes = new ArrayList<>();
            for (Map.Entry<String, String> decision : decisions.entrySet()) {
                String id = decision.getKey();
                String keep = decision.getValue();
                Conflict c = store.get(id).orElseThrow(() -> DovetailException.usage("no conflict '" + id
                        + "' at site '" + site.name() + "'"));
                if (!keep.equals(c.siteA()) && !keep.equals(c.siteB())) {
                    throw DovetailException.usage("conflict " + id + " is between " + c.siteA() + " and "
                            + c.siteB() + "; --keep must name one of them");
                }
                if (Conflict.RESOLVED.equals(c.status())) {
                    outcomes.add(new Outcome(id, c.kept(), "already resolved (kept " + c.kept() + ")"));
                    continue;
                }
                Optional<String> stale = resolveOne(s, store, c, keep, user);
                if (stale.isPresent() && !skipStale) {
                    s.write.rollback();
                    throw DovetailException.usage(stale.get());
                }
                outcomes.add(new Outcome(id, keep, stale.orElse(null)));
            }
            s.write.commit();
            return outcomes;
        } catch (SQLException e) {
            throw DovetailException.failed("resolve at site '" + site.name() + "' failed: " + SqlErrors.describe(e), e);
        }
    }

    /** The unresolved conflicts of a table at the site, for {@code --all --table T}. */
    public List<String> unresolvedIds(String table) {
        try (SiteSession s = SiteSession.open(site)) {
            ConflictStore store = new ConflictStore(s.write, s.dialect);
            List<String> ids = new ArrayList<>();
            for (String status : List.of(Conflict.OPEN, Conflict.AUTO)) {
                store.list(status, table).forEach(c -> ids.add(c.id()));
            }
            return ids;
        }
    }

    private Optional<String> resolveOne(SiteSession s, ConflictStore store, Conflict c, String keep, String user)
            throws SQLException {
        TableConfig tableConfig = config.tables().stream().filter(t -> t.name().toString().equals(c.table()))
                .findFirst().orElseThrow(() -> DovetailException.usage("conflict " + c.id() + " is on table "
                        + c.table() + ", which is no longer configured"));
        TableShape shape = new Catalog(s.write, s.dialect).find(tableConfig.name()).orElseThrow(() ->
                DovetailException.usage("table " + c.table() + " not found at site " + site.name()));
        TablePair pair = TablePair.match(c.table(), shape, site.name(), shape, site.name());
        SideTable table = new SideTable(pair, true, s.dialect, s.dsl(s.write));
        RowKey key = pair.key(c.keyJson());
        RowState here = lock(s, table, key);
        boolean hereIsA = s.name().equals(c.siteA());
        RowState ownCopy = decode(pair, hereIsA ? c.rowA() : c.rowB());
        RowState otherCopy = decode(pair, hereIsA ? c.rowB() : c.rowA());
        if (!matches(here, ownCopy) && !matches(here, otherCopy)) {
            if (Conflict.AUTO.equals(c.status())) {
                if (keep.equals(c.winner())) {
                    store.markResolved(c.id(), user, OffsetDateTime.now(), keep);
                    return Optional.empty();
                }
                return Optional.of("conflict " + c.id() + ": the row changed at " + site.name() + " after the "
                        + "conflict was recorded, so keeping " + keep + "'s copy would undo that newer edit; confirm "
                        + "the automatic winner with --keep " + c.winner() + ", or edit the row itself");
            }
            return Optional.of("conflict " + c.id() + ": the row changed at " + site.name()
                    + " after the conflict was recorded; sync the pair, then review it again");
        }
        RowState kept = keep.equals(s.name()) ? ownCopy : otherCopy;
        boolean confirmsAutomatic = keep.equals(c.winner()) && matches(here, kept);
        if (!confirmsAutomatic) {
            long version = Math.max(Math.max(ownCopy.version(), otherCopy.version()),
                    here == null ? 0 : here.version()) + 1;
            // a key absent at one site (a refused insert) keeps the row's identity in its tombstone
            String origin = kept.origin() != null ? kept.origin()
                    : (kept == ownCopy ? otherCopy : ownCopy).origin();
            RowState change = new RowState(kept.values(), kept.dead(), version, origin, s.name(),
                    OffsetDateTime.now(), 0, null, null);
            Writes writes = new Writes(table, null);
            writes.add(change, here);
            s.dialect.setApplying(s.write, true);
            java.sql.Savepoint savepoint = s.write.setSavepoint();
            try {
                writes.execute(s.write);
                s.write.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                s.write.rollback(savepoint);
                s.dialect.setApplying(s.write, false);
                Optional<String> refusal = s.dialect.failures().refusal(e);
                if (refusal.isEmpty()) {
                    throw e;
                }
                return Optional.of("conflict " + c.id() + ": " + site.name() + " refuses " + keep + "'s copy of "
                        + c.table() + " key " + key.text() + " (" + refusal.get() + "); change the row that "
                        + "blocks it first, or keep the other copy");
            }
            s.dialect.setApplying(s.write, false);
        }
        store.markResolved(c.id(), user, OffsetDateTime.now(), keep);
        return Optional.empty();
    }

    private static boolean matches(RowState here, RowState copy) {
        if (here == null) {
            return copy.dead();
        }
        return here.dead() == copy.dead() && here.version() == copy.version()
                && java.util.Objects.equals(here.origin(), copy.origin());
    }

    private static RowState lock(SiteSession s, SideTable table, RowKey key) throws SQLException {
        for (boolean tombs : new boolean[] {false, true}) {
            try (PreparedStatement ps = s.write.prepareStatement(tombs ? table.lockTombs(1) : table.lockRows(1))) {
                table.bindKeys(ps, List.of(key), s.write);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return table.read(rs, false, tombs);
                    }
                }
            }
        }
        return null;
    }

    /** A recorded copy (see {@link RowCopy}) back as a row state. */
    private static RowState decode(TablePair pair, String rowJson) {
        RowCopy copy = RowCopy.fromJson(rowJson);
        Object[] values = new Object[pair.columns().size()];
        for (int i = 0; i < values.length; i++) {
            ColumnPair column = pair.columns().get(i);
            if (!copy.deleted() || column.key()) {
                values[i] = Values.fromText(copy.values().get(column.nameA().toLowerCase(java.util.Locale.ROOT)),
                        column.kind());
            }
        }
        return new RowState(values, copy.deleted(), copy.version(), copy.origin(), copy.site(), copy.changedAt(), 0,
                null, null);
    }

}
