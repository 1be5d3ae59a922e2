package org.dovetail.engine.sync;

import java.sql.Connection;
import java.time.OffsetDateTime;
import org.dovetail.core.capture.Watermark;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.site.SiteMetadata;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/** The {@code peer_mark} table at one site: how far it has received each peer's changes, per table. */
final class Marks {
    private final DSLContext dsl;
    private final Table<Record> table;
    private final Field<String> peer;
    private final Field<String> tableKey;
    private final Field<Long> seq;
    private final Field<String> snapshot;
    private final Field<OffsetDateTime> updated;

    private final SiteMetadata meta;

    Marks(Connection connection, Dialect dialect) {
        this.meta = new SiteMetadata(connection, dialect);
        this.dsl = Dsl.of(connection, dialect);
        this.table = meta.table("peer_mark");
        this.peer = meta.column("peer_id", String.class);
        this.tableKey = meta.column("table_key", String.class);
        this.seq = meta.column("recv_seq", Long.class);
        this.snapshot = meta.column("recv_snapshot", String.class);
        this.updated = meta.column("updated_at", OffsetDateTime.class);
    }

    /** The mark for a peer and table; {@link Watermark#START} when they never synced (compare every row). */
    Watermark read(String peerId, String key) {
        return dsl.select(seq, snapshot).from(table).where(peer.eq(peerId)).and(tableKey.eq(key))
                .fetchOptional().map(r -> new Watermark(r.value1(), r.value2())).orElse(Watermark.START);
    }

    /** Records at the sending site how far a peer has received this site's changes of a table. */
    void writeSent(String peerId, String peerName, String key, long sentSeq) {
        Table<Record> sent = meta.table("sent_mark");
        Field<Long> sentSeqField = meta.column("sent_seq", Long.class);
        Field<String> name = meta.column("peer_name", String.class);
        int updatedRows = dsl.update(sent).set(sentSeqField, sentSeq).set(name, peerName)
                .set(updated, OffsetDateTime.now()).where(peer.eq(peerId)).and(tableKey.eq(key)).execute();
        if (updatedRows == 0) {
            dsl.insertInto(sent).set(peer, peerId).set(name, peerName).set(tableKey, key).set(sentSeqField, sentSeq)
                    .set(updated, OffsetDateTime.now()).execute();
        }
    }

    /** Stores the mark in the caller's transaction (so it commits with the rows it covers). */
    void write(String peerId, String key, Watermark mark) {
        int updatedRows = dsl.update(table).set(seq, mark.seq()).set(snapshot, mark.snapshot())
                .set(updated, OffsetDateTime.now()).where(peer.eq(peerId)).and(tableKey.eq(key)).execute();
        if (updatedRows == 0) {
            dsl.insertInto(table).set(peer, peerId).set(tableKey, key).set(seq, mark.seq())
                    .set(snapshot, mark.snapshot()).set(updated, OffsetDateTime.now()).execute();
        }
    }
}
