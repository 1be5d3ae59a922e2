package org.dovetail.conflicts;

import java.sql.Connection;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.site.SiteMetadata;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/** The conflict table at one site: record, look up, list. */
public final class ConflictStore {
    private final DSLContext dsl;
    private final Dialect dialect;
    private final Table<Record> table;
    private final SiteMetadata meta;

    public ConflictStore(Connection connection, Dialect dialect) {
        this.dsl = Dsl.of(connection, dialect);
        this.dialect = dialect;
        this.meta = new SiteMetadata(connection, dialect);
        this.table = meta.table("conflict");
    }

    private Field<String> s(String name) {
        return meta.column(name, String.class);
    }

    private Field<OffsetDateTime> t(String name) {
        return meta.column(name, OffsetDateTime.class);
    }

    /**
     * The columns a record is read from, each with its type, so that every database's driver is
     * asked for times as OffsetDateTime (a MariaDB DATETIME would otherwise come as a Timestamp).
     */
    private List<Field<?>> columns() {
        return List.of(s("conflict_id"), s("table_key"), s("key_text"), s("kind"), s("site_a"), s("site_b"),
                s("row_a"), s("row_b"), s("winner"), s("status"), s("policy"), t("detected_at"), s("run_id"),
                s("resolved_by"), t("resolved_at"), s("kept"), s("refused_by"), s("detail"));
    }

    /** Records the conflict unless a record with its id exists; true when it was new here. */
    public boolean insertIfAbsent(Conflict c) {
        if (dsl.fetchExists(table, s("conflict_id").eq(c.id()))) {
            return false;
        }
        dsl.insertInto(table)
                .set(s("conflict_id"), c.id()).set(s("table_key"), c.table()).set(s("key_text"), c.keyJson())
                .set(s("kind"), c.kind()).set(s("site_a"), c.siteA()).set(s("site_b"), c.siteB())
                .set(s("row_a"), c.rowA()).set(s("row_b"), c.rowB()).set(s("winner"), c.winner())
                .set(s("status"), c.status()).set(s("policy"), c.policy()).set(t("detected_at"), c.detectedAt())
                .set(s("run_id"), c.runId()).set(s("key_hash"), keyHash(c.keyJson()))
                .set(s("refused_by"), c.refusedBy()).set(s("detail"), c.detail())
                .set(meta.column("updated_seq", Long.class), nextSeq())
                .execute();
        return true;
    }

    /** Whether any conflict of the table is open here (when none is, no key needs holding). */
    public boolean hasOpen(String tableName) {
        return dsl.fetchExists(table, s("table_key").eq(tableName).and(s("status").eq(Conflict.OPEN)));
    }

    /**
     * Of the given keys (JSON form) of a table, those with an open conflict here that holds the
     * key's changes back, with that conflict ({@code rejected} records hold nothing).
     */
    public Map<String, Conflict> openFor(String tableName, Collection<String> keyJsons) {
        return openAmong(tableName, keyJsons, s("kind").ne(Conflict.REJECTED));
    }

    /** Of the given keys, those whose change from {@code from} {@code refusedBy} refused and that are still open. */
    public Map<String, Conflict> openRejectedFor(String tableName, String refusedBy, String from,
                                                 Collection<String> keyJsons) {
        return openAmong(tableName, keyJsons, rejected(refusedBy, from));
    }

    private Map<String, Conflict> openAmong(String tableName, Collection<String> keyJsons, Condition kind) {
        Map<String, Conflict> open = new HashMap<>();
        if (keyJsons.isEmpty()) {
            return open;
        }
        Set<String> wanted = new HashSet<>(keyJsons);
        dsl.select(columns()).from(table).where(s("table_key").eq(tableName)).and(s("status").eq(Conflict.OPEN)).and(kind)
                .and(s("key_hash").in(wanted.stream().map(ConflictStore::keyHash).toList()))
                .fetch(this::toConflict).stream().filter(c -> wanted.contains(c.keyJson()))
                .forEach(c -> open.put(c.keyJson(), c));
        return open;
    }

    private Condition rejected(String refusedBy, String from) {
        return s("kind").eq(Conflict.REJECTED).and(s("refused_by").eq(refusedBy))
                .and(s("site_a").eq(from).or(s("site_b").eq(from)));
    }

    /** The open {@code rejected} records of a table: changes from {@code from} that {@code refusedBy} refused, oldest first. */
    public List<Conflict> openRejected(String tableName, String refusedBy, String from) {
        return dsl.select(columns()).from(table).where(s("table_key").eq(tableName)).and(s("status").eq(Conflict.OPEN))
                .and(rejected(refusedBy, from)).orderBy(t("detected_at"), s("conflict_id")).fetch(this::toConflict);
    }

    /** Brings an open rejected record up to date: both copies and why the change is still refused. */
    public void updateRejection(String id, String rowA, String rowB, String detail) {
        dsl.update(table).set(s("row_a"), rowA).set(s("row_b"), rowB).set(s("detail"), detail)
                .set(meta.column("updated_seq", Long.class), nextSeq())
                .where(s("conflict_id").eq(id)).execute();
    }

    /** Removes a record (a refusal that went away within the run that recorded it). */
    public void delete(String id) {
        dsl.deleteFrom(table).where(s("conflict_id").eq(id)).execute();
    }

    /** The index form of a key: SHA-256 of its JSON text in hex, so a key of any length can be indexed. */
    static String keyHash(String keyJson) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(keyJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces one side's copy of an open conflict with that side's newer state. */
    public void updateCopy(String id, boolean sideA, String rowJson) {
        dsl.update(table).set(s(sideA ? "row_a" : "row_b"), rowJson)
                .set(meta.column("updated_seq", Long.class), nextSeq())
                .where(s("conflict_id").eq(id)).execute();
    }

    /** Marks a conflict resolved: who (OS user), when, and which site's copy was kept. */
    public void markResolved(String id, String by, OffsetDateTime at, String kept) {
        dsl.update(table).set(s("status"), Conflict.RESOLVED).set(s("resolved_by"), by)
                .set(t("resolved_at"), at).set(s("kept"), kept)
                .set(meta.column("updated_seq", Long.class), nextSeq())
                .where(s("conflict_id").eq(id)).execute();
    }

    /** The resolved conflicts of a pair, by id. */
    public Map<String, Conflict> resolvedBetween(String siteA, String siteB) {
        Map<String, Conflict> out = new HashMap<>();
        dsl.select(columns()).from(table).where(s("status").eq(Conflict.RESOLVED)).and(pair(siteA, siteB))
                .fetch(this::toConflict).forEach(c -> out.put(c.id(), c));
        return out;
    }

    /** Of these conflict ids, those recorded here and not yet resolved. */
    public Set<String> unresolvedAmong(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(dsl.select(s("conflict_id")).from(table).where(s("conflict_id").in(ids))
                .and(s("status").ne(Conflict.RESOLVED)).fetch(r -> r.value1()));
    }

    private Field<Long> nextSeq() {
        return DSL.field(dialect.changeCapture().nextSeqExpression(), Long.class);
    }

    /** Open conflicts of a pair of sites (any table). */
    public long countOpen(String siteA, String siteB) {
        return dsl.fetchCount(table, s("status").eq(Conflict.OPEN).and(pair(siteA, siteB)));
    }

    private Condition pair(String siteA, String siteB) {
        return s("site_a").eq(siteA).and(s("site_b").eq(siteB));
    }

    public Optional<Conflict> get(String id) {
        return dsl.select(columns()).from(table).where(s("conflict_id").eq(id)).fetchOptional().map(this::toConflict);
    }

    /** Conflicts filtered by status ({@code all} or null for every one) and table (null for all), oldest first. */
    public List<Conflict> list(String status, String tableName) {
        Condition where = DSL.noCondition();
        if (status != null && !status.equals("all")) {
            where = where.and(s("status").eq(status));
        }
        if (tableName != null) {
            where = where.and(s("table_key").eq(tableName));
        }
        return dsl.select(columns()).from(table).where(where).orderBy(t("detected_at"), s("conflict_id"))
                .fetch(this::toConflict);
    }

    /** The conflicts recorded by one sync run (the records it created, not older ones it updated), oldest first. */
    public List<Conflict> ofRun(String runId) {
        return dsl.selectFrom(table).where(s("run_id").eq(runId)).orderBy(t("detected_at"), s("conflict_id"))
                .fetch(this::toConflict);
    }

    /** A moment of a record read whole: typed by the metadata's own type, whatever the driver made of it. */
    private OffsetDateTime time(Record r, String name) {
        Field<OffsetDateTime> f = t(name);
        return r.get(f.getUnqualifiedName(), f.getConverter());
    }

    private Conflict toConflict(Record r) {
        return new Conflict(r.get(s("conflict_id")), r.get(s("table_key")), r.get(s("key_text")), r.get(s("kind")),
                r.get(s("site_a")), r.get(s("site_b")), r.get(s("row_a")), r.get(s("row_b")), r.get(s("winner")),
                r.get(s("status")), r.get(s("policy")), time(r, "detected_at"), r.get(s("run_id")),
                r.get(s("resolved_by")), time(r, "resolved_at"), r.get(s("kept")), r.get(s("refused_by")),
                r.get(s("detail")));
    }
}
