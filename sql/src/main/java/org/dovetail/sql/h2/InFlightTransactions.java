package org.dovetail.sql.h2;

import java.sql.SQLException;
import java.util.Iterator;
import java.util.Map;
import java.util.WeakHashMap;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.mvstore.tx.Transaction;
import org.h2.schema.Schema;
import org.h2.schema.Sequence;

/**
 * Hands out {@code dv_seq} values from {@code DOVETAIL.CHANGE_SEQ} and remembers, per
 * database, the first value each still-open transaction took.
 *
 * <p>Why: a sequence value is taken when a row is written but becomes visible only when its
 * transaction commits. A transaction that took 10 and is still open while another took 11
 * and committed would make a reader that saw 11 believe it had seen everything up to 11,
 * and skip 10 for good once it commits. {@link #safeSeq} therefore never answers at or
 * above the first value of a transaction that is still open.
 *
 * <p>Correctness of the answer rests on one lock per database: a transaction's first value
 * is taken <em>and</em> registered while holding it, and {@code safeSeq} reads the sequence
 * and the registry while holding it. So a first value is either registered before
 * {@code safeSeq} looks, or it is larger than the sequence value {@code safeSeq} read.
 * A transaction's later values are larger than its first and need no lock.
 */
final class InFlightTransactions {
    static final String SCHEMA = "DOVETAIL";
    static final String SEQUENCE = "CHANGE_SEQ";

    /** Weak keys: one JVM may host several databases, and a closed one must not be kept. */
    private static final Map<Database, InFlightTransactions> BY_DATABASE = new WeakHashMap<>();

    /** First value per transaction; weak keys, as an open transaction is referenced by H2 itself. */
    private final Map<Transaction, Long> firstSeq = new WeakHashMap<>();

    private InFlightTransactions() {
    }

    private static InFlightTransactions of(Database database) {
        synchronized (BY_DATABASE) {
            return BY_DATABASE.computeIfAbsent(database, d -> new InFlightTransactions());
        }
    }

    /** The next change number for a row written by the session's current transaction. */
    static long nextSeq(SessionLocal session, SessionState state) throws SQLException {
        Transaction transaction = session.getTransaction();
        if (state.isNoted(transaction)) {
            return take(session);
        }
        InFlightTransactions registry = of(session.getDatabase());
        long seq;
        synchronized (registry) {
            seq = take(session);
            registry.firstSeq.putIfAbsent(transaction, seq);
        }
        state.note(transaction);
        return seq;
    }

    /**
     * {@code min(C, L - 1)}, where {@code C} is the last value the sequence handed out and
     * {@code L} the smallest first value among transactions not yet closed (committed or
     * rolled back); just {@code C} when none are open. Every row change with a
     * {@code dv_seq} at or below the answer is committed or rolled back.
     */
    static long safeSeq(SessionLocal session) throws SQLException {
        InFlightTransactions registry = of(session.getDatabase());
        synchronized (registry) {
            long last = take(session) - 1;
            long lowestOpen = Long.MAX_VALUE;
            for (Iterator<Map.Entry<Transaction, Long>> it = registry.firstSeq.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Transaction, Long> entry = it.next();
                // STATUS_CLOSED comes after a commit is visible to others; COMMITTED (committing) counts as open
                if (entry.getKey().getStatus() == Transaction.STATUS_CLOSED) {
                    it.remove();
                } else {
                    lowestOpen = Math.min(lowestOpen, entry.getValue());
                }
            }
            return lowestOpen == Long.MAX_VALUE ? last : Math.min(last, lowestOpen - 1);
        }
    }

    /** Looked up on every call: the sequence object changes when the metadata is re-created. */
    private static long take(SessionLocal session) throws SQLException {
        Schema schema = session.getDatabase().findSchema(SCHEMA);
        Sequence sequence = schema == null ? null : schema.findSequence(SEQUENCE);
        if (sequence == null) {
            throw new SQLException("Dovetail metadata is missing: sequence " + SCHEMA + "." + SEQUENCE
                    + " not found (run dovetail install)");
        }
        return session.getNextValueFor(sequence, null).getLong();
    }
}
