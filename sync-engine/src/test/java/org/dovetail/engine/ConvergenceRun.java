package org.dovetail.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.dovetail.conflicts.Conflict;
import org.dovetail.core.config.ConfigLoader;
import org.dovetail.engine.sync.SyncOptions;
import org.dovetail.engine.sync.SyncResult;
import org.dovetail.engine.sync.Verifier;
import org.dovetail.testing.PostgresDatabaseExtension;
import org.dovetail.testing.TestSites;
import org.dovetail.testing.TestSites.Kind;

/**
 * One run of {@link ConvergenceIT}: a star of sites (hub {@code h} on PostgreSQL; by default spokes
 * {@code p} on PostgreSQL and {@code l} on H2), application writes and syncs applied in order, and
 * next to them an explicit causal model of who knows which write; then the final syncs and the checks.
 *
 * <p>The model. Every application write (an INSERT, an UPDATE that really changes a user value, a
 * DELETE) gets an id and is read back (its dv_version, dv_origin). Each site has the set of write ids
 * it knows: its own writes, and, for each direction a sync runs, everything the sending site knew
 * ({@code sync A B}: B learns what A knew, then A what B knew; {@code --push}, {@code --pull}: one of
 * the two). A write remembers what its site knew when it was made, and its parents: the write(s) whose
 * state it replaced at its site (matched by key, value, version, origin and dv_site; where the site had
 * nothing for the key, the deletes of it that the site knew of). Two writes are concurrent when
 * neither was known at the other's site when it was made; two concurrent writes of the same value
 * (two deletes, say) agree and count as one.
 *
 * <p>In a star (a tree) Dovetail promises conflicts exactly for concurrent edits, so:
 * <ul>
 *   <li>{@code LOST}: a write whose value is gone at the end must be held by a conflict record on its key
 *       (a copy with its value; a deleted copy for a delete) or be known to a later write of the key;</li>
 *   <li>{@code LOST-UNSEEN}: stricter, being known is not enough: a later write must have replaced it
 *       (or an agreeing twin) where it was the current state, else a sync discarded it unrecorded;</li>
 *   <li>{@code FALSE-CONFLICT}: the two copies of every conflict record come from concurrent writes;
 *       {@code CONFLICT-WINNER}: the record names the copy the version policy picks;
 *       {@code CONFLICT-ONE-SIDED}: the same record is kept at both sites of its pair;</li>
 *   <li>{@code PAIR-DIFFERS}: after a two-way sync both sites hold the same rows (values, version, origin);</li>
 *   <li>{@code TRIGGER}: each write gets the bookkeeping SPEC section 2 describes (a same-value UPDATE none);</li>
 *   <li>at the end ({@code NOT-CONVERGED}, {@code DIVERGED}, {@code VERIFY}, {@code NOT-QUIET}): the final
 *       rounds settle, all sites agree, verify agrees, and a further sync moves nothing.</li>
 * </ul>
 */
final class ConvergenceRun implements AutoCloseable {
    /** The default star: spokes {@code p} (PostgreSQL) and {@code l} (H2). */
    static final Map<String, Kind> DEFAULT_SPOKES = spokes("p", Kind.PG, "l", Kind.H2);
    /** The key space 0..30, where edits collide all the time. */
    static final int KEYS = 31;
    /** Every so many operations one more key (31, 32, ...) becomes the newest; the spokes write the newest two often. */
    static final int FRESH_EVERY = 15;
    static final int MAX_FINAL_ROUNDS = 6;
    private static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A concrete operation as executed; a replay runs the same list. */
    sealed interface Op permits Put, Delete, Same, Sync {
    }

    /** Makes the key's row at the site hold these values: UPDATE when it is alive there, else INSERT. */
    record Put(String site, int key, String name, Integer qty) implements Op {
        @Override
        public String toString() {
            return site + ": put id=" + key + " (" + quote(name) + ", " + qty + ")";
        }
    }

    /** DELETE of the key at the site (nothing when it is not alive there). */
    record Delete(String site, int key) implements Op {
        @Override
        public String toString() {
            return site + ": delete id=" + key;
        }
    }

    /** An UPDATE setting the row's current values again (not a change: bookkeeping must stay). */
    record Same(String site, int key) implements Op {
        @Override
        public String toString() {
            return site + ": update id=" + key + " to the same values";
        }
    }

    /** {@code sync A B} in both directions, or {@code --push} (A to B) or {@code --pull} (B to A) only. */
    record Sync(String a, String b, boolean push, boolean pull) implements Op {
        @Override
        public String toString() {
            return "sync " + a + " " + b + (push && pull ? "" : push ? " --push" : " --pull");
        }
    }

    /** One finding; {@code key} is -1 when it concerns no single key. */
    record Failure(String check, int key, String message) {
        @Override
        public String toString() {
            return "[" + check + (key >= 0 ? " id=" + key : "") + "] " + message;
        }
    }

    /** A key's state at one site: a live row, a tombstone, or (null) nothing. */
    record KeyState(boolean alive, String name, Integer qty, long version, String origin, String madeAt, long seq) {
        boolean sameContent(KeyState o) {
            return o != null && alive == o.alive && (!alive || Objects.equals(name, o.name) && Objects.equals(qty, o.qty));
        }

        /** Same live content and the same place in the row's history (what all sites must agree on). */
        boolean sameRow(KeyState o) {
            return sameContent(o) && version == o.version && origin.equals(o.origin);
        }

        String text() {
            return (alive ? "(" + quote(name) + ", " + qty + ")" : "deleted") + " v" + version + " o:"
                    + origin.substring(0, Math.min(6, origin.length())) + " by " + madeAt;
        }
    }

    /** An application write, and what its site knew when it was made (write ids, itself excluded). */
    record Write(int id, int op, String site, int key, boolean dead, String name, Integer qty, long version,
                 String origin, BitSet knew, List<Integer> parents) {
        String value() {
            return dead ? "deleted" : "(" + quote(name) + ", " + qty + ")";
        }

        String text() {
            return "w" + id + " (op #" + op + ") at " + site + ": id=" + key + " " + value() + " v" + version + " o:"
                    + origin.substring(0, Math.min(6, origin.length()));
        }
    }

    /** One executed op for the traces: its text and, for syncs, the pair's states before and after. */
    private record Entry(int op, Op what, String note, Map<String, Map<Integer, KeyState>> before,
                         Map<String, Map<Integer, KeyState>> after) {
    }

    private final long seed;
    /** The hub {@code h} first, then the spokes. */
    private final List<String> siteNames;
    private final List<String> spokes;
    private final TestSites sites;
    private final Dovetail dovetail;
    private final Map<String, Connection> app = new LinkedHashMap<>();
    private final Map<String, BitSet> knows = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();
    private final List<Op> executed = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Integer> runOps = new HashMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private int syncs;
    private int conflictsSeen;

    ConvergenceRun(PostgresDatabaseExtension pg, long seed) {
        this(pg, seed, DEFAULT_SPOKES);
    }

    /** A star of hub {@code h} (PostgreSQL) and the given spokes, in order. */
    ConvergenceRun(PostgresDatabaseExtension pg, long seed, Map<String, Kind> spokeKinds) {
        this.seed = seed;
        this.spokes = List.copyOf(spokeKinds.keySet());
        List<String> names = new ArrayList<>(List.of("h"));
        names.addAll(spokes);
        this.siteNames = List.copyOf(names);
        TestSites star = new TestSites(pg).site("h", Kind.PG, ITEMS);
        spokeKinds.forEach((name, kind) -> star.site(name, kind, ITEMS));
        this.sites = star;
        this.dovetail = new Dovetail(new ConfigLoader(System.getenv()).load(
                sites.config("tables: [items]", "conflicts:", "  policy: version")), System.getenv());
        try {
            for (String s : siteNames) {
                dovetail.install(s);
                knows.put(s, new BitSet());
                app.put(s, sites.connect(s));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ordered map of spoke names to kinds. */
    static Map<String, Kind> spokes(Object... nameKind) {
        Map<String, Kind> out = new LinkedHashMap<>();
        for (int i = 0; i < nameKind.length; i += 2) {
            out.put((String) nameKind[i], (Kind) nameKind[i + 1]);
        }
        return out;
    }

    List<Op> executed() {
        return executed;
    }

    List<Failure> failures() {
        return failures;
    }

    int writeCount() {
        return writes.size();
    }

    int syncCount() {
        return syncs;
    }

    int conflictCount() {
        return conflictsSeen;
    }

    // ---------------------------------------------------------------- operations

    /** Draws {@code count} operations from the random source, resolving each against the site's rows. */
    void runRandom(Random random, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            Op op = draw(random);
            if (op != null) {
                execute(op);
            }
        }
    }

    /** Replays concrete operations (a recorded or shrunk list). */
    void replay(List<Op> ops) throws SQLException {
        for (Op op : ops) {
            execute(op);
        }
    }

    private Op draw(Random random) throws SQLException {
        int r = random.nextInt(100);
        if (r < 22) {
            // two spokes: a coin, as ever (seeds printed by earlier runs replay the same)
            String spoke = spokes.size() == 2 ? spokes.get(random.nextBoolean() ? 0 : 1)
                    : spokes.get(random.nextInt(spokes.size()));
            int mode = random.nextInt(20);
            boolean push = mode >= 3;
            boolean pull = mode < 3 || mode >= 6;
            return random.nextBoolean() ? new Sync("h", spoke, push, pull) : new Sync(spoke, "h", push, pull);
        }
        String site = siteNames.get(random.nextInt(siteNames.size()));
        String name = site + executed.size();
        Integer qty = random.nextInt(20) == 0 ? null : random.nextInt(10);
        int change = random.nextInt(3); // 0: name only, 1: qty only, 2: both
        int pick = random.nextInt(1000);
        Map<Integer, KeyState> here = state(site);
        // a third of the spokes' writes go to the two newest keys, so that first writes of a key keep coming
        int fresh = KEYS + executed.size() / FRESH_EVERY;
        boolean young = !site.equals("h") && random.nextInt(3) == 0;
        List<Integer> alive = here.entrySet().stream().filter(e -> e.getValue().alive())
                .map(Map.Entry::getKey).toList();
        List<Integer> dead = here.entrySet().stream().filter(e -> !e.getValue().alive()).map(Map.Entry::getKey).toList();
        List<Integer> youngAlive = alive.stream().filter(k -> k >= fresh - 1).toList();
        if (young && !youngAlive.isEmpty()) {
            alive = youngAlive;
        }
        if (r < 47) { // insert a random key; an existing one is updated
            int key = young ? fresh - random.nextInt(2) : random.nextInt(KEYS);
            return changed(site, key, here.get(key), name, qty, change);
        }
        if (r < 65) { // update an existing row
            if (alive.isEmpty()) {
                return null;
            }
            int key = alive.get(pick % alive.size());
            return changed(site, key, here.get(key), name, qty, change);
        }
        if (r < 72) { // set the same values
            return alive.isEmpty() ? null : new Same(site, alive.get(pick % alive.size()));
        }
        if (r < 88) {
            return alive.isEmpty() ? null : new Delete(site, alive.get(pick % alive.size()));
        }
        // re-insert a deleted key
        return dead.isEmpty() ? null : new Put(site, dead.get(pick % dead.size()), name, qty);
    }

    private static Put changed(String site, int key, KeyState now, String name, Integer qty, int change) {
        if (now == null || !now.alive()) {
            return new Put(site, key, name, qty);
        }
        return new Put(site, key, change == 1 ? now.name() : name, change == 0 ? now.qty() : qty);
    }

    private void execute(Op op) throws SQLException {
        int index = executed.size();
        executed.add(op);
        if (op instanceof Put put) {
            put(index, put);
        } else if (op instanceof Delete del) {
            delete(index, del);
        } else if (op instanceof Same same) {
            same(index, same);
        } else {
            sync(index, (Sync) op);
        }
    }

    private void put(int index, Put op) throws SQLException {
        Connection c = app.get(op.site());
        KeyState before = keyState(op.site(), op.key());
        if (before != null && before.alive()) {
            if (Objects.equals(before.name(), op.name()) && Objects.equals(before.qty(), op.qty())) {
                sameValues(index, op, op.site(), op.key(), before);
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE items SET name = ?, qty = ? WHERE id = ?")) {
                bindValues(ps, op.name(), op.qty());
                ps.setLong(3, op.key());
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (name, qty, id) VALUES (?, ?, ?)")) {
                bindValues(ps, op.name(), op.qty());
                ps.setLong(3, op.key());
                ps.executeUpdate();
            }
        }
        KeyState after = keyState(op.site(), op.key());
        long expected = before == null ? 1 : before.version() + 1;
        if (after == null || !after.alive() || after.version() != expected || !op.site().equals(after.madeAt())
                || before != null && !before.origin().equals(after.origin())) {
            fail("TRIGGER", op.key(), "op #" + index + " " + op + ": expected a live row at version " + expected
                    + (before == null ? " with a new origin" : " keeping origin " + before.origin()) + " made by "
                    + op.site() + ", found " + (after == null ? "nothing" : after.text()));
        }
        record(index, op, op.site(), op.key(), before, after);
    }

    private void delete(int index, Delete op) throws SQLException {
        KeyState before = keyState(op.site(), op.key());
        if (before == null || !before.alive()) {
            entries.add(new Entry(index, op, "nothing to delete", null, null));
            return;
        }
        try (PreparedStatement ps = app.get(op.site()).prepareStatement("DELETE FROM items WHERE id = ?")) {
            ps.setLong(1, op.key());
            ps.executeUpdate();
        }
        KeyState after = keyState(op.site(), op.key());
        if (after == null || after.alive() || after.version() != before.version() + 1
                || !after.origin().equals(before.origin()) || !op.site().equals(after.madeAt())) {
            fail("TRIGGER", op.key(), "op #" + index + " " + op + ": expected a tombstone at version "
                    + (before.version() + 1) + " with origin " + before.origin() + ", found "
                    + (after == null ? "nothing" : after.text()));
        }
        record(index, op, op.site(), op.key(), before, after);
    }

    private void same(int index, Same op) throws SQLException {
        KeyState before = keyState(op.site(), op.key());
        if (before == null || !before.alive()) {
            entries.add(new Entry(index, op, "no live row", null, null));
            return;
        }
        sameValues(index, op, op.site(), op.key(), before);
    }

    /** An UPDATE that sets the values the row already has: not a change, bookkeeping untouched. */
    private void sameValues(int index, Op op, String site, int key, KeyState before) throws SQLException {
        try (PreparedStatement ps = app.get(site).prepareStatement("UPDATE items SET name = ?, qty = ? WHERE id = ?")) {
            bindValues(ps, before.name(), before.qty());
            ps.setLong(3, key);
            ps.executeUpdate();
        }
        KeyState after = keyState(site, key);
        if (!before.equals(after)) {
            fail("TRIGGER", key, "op #" + index + " " + op + " set the same values, yet the bookkeeping changed from "
                    + before.text() + " seq " + before.seq() + " to " + (after == null ? "nothing"
                    : after.text() + " seq " + after.seq()));
        }
        entries.add(new Entry(index, op, "same values: no change", null, null));
    }

    /**
     * Records an application write with what its site knew, and its parents: the write(s) that made
     * the state it replaced at its site. Where the site has nothing for the key, the deletes of the
     * key it knows of count as that state (a site that never had the row keeps no tombstone for it).
     */
    private void record(int index, Op op, String site, int key, KeyState before, KeyState after) {
        BitSet knew = (BitSet) knows.get(site).clone();
        List<Integer> parents = before == null ? writes.stream().filter(w -> w.key() == key && w.dead()
                && knew.get(w.id())).map(Write::id).toList() : writes.stream().filter(w -> w.key() == key
                && w.version() == before.version() && w.origin().equals(before.origin())
                && w.site().equals(before.madeAt()) && w.dead() == !before.alive()
                && (w.dead() || Objects.equals(w.name(), before.name()) && Objects.equals(w.qty(), before.qty())))
                .map(Write::id).toList();
        Write w = new Write(writes.size(), index, site, key, after == null || !after.alive(),
                after == null ? null : after.name(), after == null ? null : after.qty(),
                after == null ? -1 : after.version(), after == null ? "?" : after.origin(), knew, parents);
        writes.add(w);
        knows.get(site).set(w.id());
        entries.add(new Entry(index, op, "w" + w.id() + " -> " + (after == null ? "nothing" : after.text()), null, null));
    }

    private SyncResult sync(int index, Sync op) throws SQLException {
        Map<String, Map<Integer, KeyState>> before = Map.of(op.a(), state(op.a()), op.b(), state(op.b()));
        SyncResult result = dovetail.sync(new SyncOptions(op.a(), op.b(), op.push(), op.pull(), List.of(), false, null));
        syncs++;
        runOps.put(result.runId(), index);
        if (op.push()) {
            knows.get(op.b()).or(knows.get(op.a()));
        }
        if (op.pull()) {
            knows.get(op.a()).or(knows.get(op.b()));
        }
        Map<String, Map<Integer, KeyState>> after = Map.of(op.a(), state(op.a()), op.b(), state(op.b()));
        entries.add(new Entry(index, op, "pushed " + result.pushed() + " pulled " + result.pulled() + " conflicts "
                + result.conflicts() + " (run " + result.runId() + ")", before, after));
        if (result.failed()) {
            fail("SYNC-FAILED", -1, "op #" + index + " " + op + ": " + result.tables());
        }
        if (op.push() && op.pull()) {
            for (int key : differing(after.get(op.a()), after.get(op.b()))) {
                fail("PAIR-DIFFERS", key, "after op #" + index + " " + op + " (both directions) the sites differ: "
                        + op.a() + " " + text(after.get(op.a()).get(key)) + ", " + op.b() + " "
                        + text(after.get(op.b()).get(key)));
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- the end: final syncs and checks

    /** The final rounds of syncs along the star, then every check; returns the findings. */
    List<Failure> finish() throws SQLException {
        boolean quiet = false;
        for (int round = 1; round <= MAX_FINAL_ROUNDS && !quiet; round++) {
            quiet = true;
            for (String spoke : spokes) {
                SyncResult r = sync(executed.size(), record(new Sync("h", spoke, true, true)));
                quiet &= r.pushed() + r.pulled() + r.conflicts() == 0;
            }
        }
        if (!quiet) {
            fail("NOT-CONVERGED", -1, MAX_FINAL_ROUNDS + " final rounds of sync h p, sync h l still moved rows");
        }
        Map<String, Map<Integer, KeyState>> end = new LinkedHashMap<>();
        for (String s : siteNames) {
            end.put(s, state(s));
        }
        // (1) the same rows, versions and origins at all sites
        for (String spoke : spokes) {
            for (int key : differing(end.get("h"), end.get(spoke))) {
                fail("DIVERGED", key, "at the end h holds " + text(end.get("h").get(key)) + " but " + spoke
                        + " holds " + text(end.get(spoke).get(key)));
            }
        }
        // (2) verify agrees
        for (String spoke : spokes) {
            Verifier.Result v = dovetail.verify("h", spoke, List.of());
            if (!v.identical()) {
                fail("VERIFY", -1, "verify h " + spoke + " reports differences: " + v.tables());
            }
        }
        // (3) one more sync of each pair, named either way round, moves nothing and changes no bookkeeping
        List<Sync> extras = new ArrayList<>();
        for (int i = 0; i < spokes.size(); i++) { // named either way round
            extras.add(i % 2 == 0 ? new Sync("h", spokes.get(i), true, true) : new Sync(spokes.get(i), "h", true, true));
        }
        for (Sync extra : extras) {
            SyncResult r = sync(executed.size(), record(extra));
            if (r.pushed() + r.pulled() + r.conflicts() != 0) {
                fail("NOT-QUIET", -1, "a further " + extra + " moved rows: pushed " + r.pushed() + " pulled "
                        + r.pulled() + " conflicts " + r.conflicts());
            }
        }
        for (String s : siteNames) {
            Map<Integer, KeyState> now = state(s);
            for (int key : new TreeSet<>(union(now.keySet(), end.get(s).keySet()))) {
                if (!Objects.equals(now.get(key), end.get(s).get(key))) {
                    fail("NOT-QUIET", key, "a further sync changed " + s + " from " + text(end.get(s).get(key))
                            + " to " + text(now.get(key)));
                }
            }
        }
        List<Conflict> conflicts = conflicts();
        conflictsSeen = conflicts.size();
        checkConflictsAtBothSites();
        checkLostWrites(end.get("h"), conflicts);
        checkConcurrency(conflicts);
        return failures;
    }

    private Sync record(Sync op) {
        executed.add(op);
        return op;
    }

    /**
     * (4) Every write whose value is gone is overwritten by a later write made knowing it, or held by a
     * conflict record on its key ({@code LOST} otherwise). Stricter ({@code LOST-UNSEEN}): knowing is
     * not enough when the write never was the state a later write replaced at its site, i.e. a sync
     * discarded it without a record.
     *
     * <p>Equal results agree (SPEC section 3): two concurrent writes of the same value (both deletes,
     * say) are one as far as this check goes, so either one's successors explain both.
     */
    private void checkLostWrites(Map<Integer, KeyState> end, List<Conflict> conflicts) {
        BitSet replaced = new BitSet();
        writes.forEach(w -> w.parents().forEach(replaced::set));
        for (Write w : writes) {
            KeyState now = end.get(w.key());
            boolean survives = w.dead() ? now == null || !now.alive()
                    : now != null && now.alive() && Objects.equals(now.name(), w.name()) && Objects.equals(now.qty(), w.qty());
            if (survives) {
                continue;
            }
            boolean recorded = conflicts.stream().filter(c -> c.keyJson().equals(keyJson(w.key())))
                    .anyMatch(c -> holds(copy(c.rowA()), w) || holds(copy(c.rowB()), w));
            if (recorded) {
                continue;
            }
            List<Write> twins = writes.stream().filter(x -> x.id() == w.id()
                    || x.key() == w.key() && sameValue(x, w) && concurrent(x, w)).toList();
            List<Write> knowing = writes.stream().filter(later -> later.key() == w.key()
                    && twins.stream().anyMatch(t -> later.knew().get(t.id()))).toList();
            if (knowing.isEmpty()) {
                fail("LOST", w.key(), "write " + w.text() + " is gone (the key ends as " + text(now)
                        + "), no later write was made knowing it, and no conflict record on the key holds "
                        + w.value());
                continue;
            }
            if (twins.stream().noneMatch(t -> replaced.get(t.id()))) {
                fail("LOST-UNSEEN", w.key(), "write " + w.text() + " is gone (the key ends as " + text(now)
                        + ") and no conflict record on the key holds " + w.value() + "; later writes were made"
                        + " knowing it (first " + knowing.get(0).text() + ") but none replaced it: a sync"
                        + " discarded it");
            }
        }
    }

    /** (5) Conflicts only for concurrent edits: each record's copies come from writes neither of which knew the other. */
    private void checkConcurrency(List<Conflict> conflicts) {
        for (Conflict c : conflicts) {
            int key = keyOf(c);
            Map<String, String> a = copy(c.rowA());
            Map<String, String> b = copy(c.rowB());
            List<Write> fromA = madeAs(a, key);
            List<Write> fromB = madeAs(b, key);
            String where = "conflict " + c.id() + " (" + c.kind() + ", " + c.siteA() + "/" + c.siteB() + ", detected by op #"
                    + runOps.getOrDefault(c.runId(), -1) + ")";
            if (fromA.isEmpty() || fromB.isEmpty()) {
                fail("CONFLICT-COPY", key, where + " holds a copy no application wrote: "
                        + (fromA.isEmpty() ? c.rowA() : c.rowB()));
                continue;
            }
            String expected = versionWinner(c.siteA(), a, c.siteB(), b);
            if (!expected.equals(c.winner())) {
                fail("CONFLICT-WINNER", key, where + " names winner " + c.winner() + " where policy version picks "
                        + expected + ": " + c.siteA() + " " + c.rowA() + ", " + c.siteB() + " " + c.rowB());
            }
            boolean concurrent = fromA.stream().anyMatch(x -> fromB.stream().anyMatch(y -> concurrent(x, y)));
            if (!concurrent) {
                fail("FALSE-CONFLICT", key, where + " is between writes that were not concurrent: "
                        + fromA.get(0).text() + (fromA.get(0).knew().get(fromB.get(0).id()) ? " knew " : " was known by ")
                        + fromB.get(0).text());
            }
        }
    }

    /** SPEC section 4: more edits win; then the later change time; then the site name (dv_site) that sorts first. */
    private static String versionWinner(String siteA, Map<String, String> a, String siteB, Map<String, String> b) {
        long va = Long.parseLong(a.get("dv_version"));
        long vb = Long.parseLong(b.get("dv_version"));
        if (va != vb) {
            return va > vb ? siteA : siteB;
        }
        java.time.Instant ta = a.get("dv_changed_at") == null ? java.time.Instant.MIN
                : java.time.OffsetDateTime.parse(a.get("dv_changed_at")).toInstant();
        java.time.Instant tb = b.get("dv_changed_at") == null ? java.time.Instant.MIN
                : java.time.OffsetDateTime.parse(b.get("dv_changed_at")).toInstant();
        if (!ta.equals(tb)) {
            return ta.isAfter(tb) ? siteA : siteB;
        }
        String ma = a.get("dv_site") == null ? siteA : a.get("dv_site");
        String mb = b.get("dv_site") == null ? siteB : b.get("dv_site");
        if (!ma.equals(mb)) {
            return ma.compareTo(mb) < 0 ? siteA : siteB;
        }
        return siteA.compareTo(siteB) < 0 ? siteA : siteB;
    }

    /** Neither write was known at the other's site when it was made. */
    private static boolean concurrent(Write x, Write y) {
        return x.id() != y.id() && !x.knew().get(y.id()) && !y.knew().get(x.id());
    }

    private static boolean sameValue(Write x, Write y) {
        return x.dead() == y.dead() && (x.dead() || Objects.equals(x.name(), y.name()) && Objects.equals(x.qty(), y.qty()));
    }

    /** The same record (id, key, kind, copies, winner, status) is kept at both sites of its pair. */
    private void checkConflictsAtBothSites() {
        Map<String, Map<String, List<String>>> bySite = new HashMap<>();
        for (String s : siteNames) {
            Map<String, List<String>> records = new TreeMap<>();
            for (Conflict c : dovetail.conflicts(s, "all", null)) {
                records.put(c.id(), List.of(c.table(), c.keyJson(), c.kind(), c.siteA(), c.siteB(), c.rowA(), c.rowB(),
                        String.valueOf(c.winner()), c.status()));
                if (!c.siteA().equals(s) && !c.siteB().equals(s)) {
                    fail("CONFLICT-SITES", keyOf(c), "conflict " + c.id() + " of " + c.siteA() + "/" + c.siteB()
                            + " is recorded at " + s);
                }
                if (!Conflict.AUTO.equals(c.status()) || c.winner() == null) {
                    fail("CONFLICT-STATUS", keyOf(c), "conflict " + c.id() + " under policy version has status "
                            + c.status() + " and winner " + c.winner());
                }
            }
            bySite.put(s, records);
        }
        for (String spoke : spokes) {
            Map<String, List<String>> hub = filterPair(bySite.get("h"), spoke);
            Map<String, List<String>> there = filterPair(bySite.get(spoke), spoke);
            for (String id : union(hub.keySet(), there.keySet())) {
                if (!Objects.equals(hub.get(id), there.get(id))) {
                    fail("CONFLICT-ONE-SIDED", -1, "conflict " + id + " differs between h and " + spoke + ": h "
                            + hub.get(id) + ", " + spoke + " " + there.get(id));
                }
            }
        }
    }

    private static Map<String, List<String>> filterPair(Map<String, List<String>> records, String spoke) {
        Map<String, List<String>> out = new TreeMap<>();
        records.forEach((id, r) -> {
            if (r.get(3).equals(spoke) || r.get(4).equals(spoke)) {
                out.put(id, r);
            }
        });
        return out;
    }

    /** Every conflict record at any site, one per id. */
    private List<Conflict> conflicts() {
        Map<String, Conflict> all = new LinkedHashMap<>();
        for (String s : siteNames) {
            for (Conflict c : dovetail.conflicts(s, "all", null)) {
                all.putIfAbsent(c.id(), c);
            }
        }
        return new ArrayList<>(all.values());
    }

    private List<Write> madeAs(Map<String, String> copy, int key) {
        return writes.stream().filter(w -> w.key() == key && holds(copy, w)
                && String.valueOf(w.version()).equals(copy.get("dv_version"))
                && w.origin().equals(copy.get("dv_origin")) && w.site().equals(copy.get("dv_site"))).toList();
    }

    /** Whether a conflict copy holds the write's value: a deleted copy for a delete, else its name and qty. */
    private static boolean holds(Map<String, String> copy, Write w) {
        boolean deleted = "true".equals(copy.get("dv_deleted"));
        if (w.dead() || deleted) {
            return w.dead() && deleted;
        }
        return Objects.equals(copy.get("name"), w.name())
                && Objects.equals(copy.get("qty"), w.qty() == null ? null : w.qty().toString());
    }

    private static Map<String, String> copy(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String keyJson(int key) {
        return "[\"" + key + "\"]";
    }

    private static int keyOf(Conflict c) {
        try {
            List<String> parts = JSON.readValue(c.keyJson(), new TypeReference<List<String>>() { });
            return Integer.parseInt(parts.get(0));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- traces

    /** The run's operations that touch one key (and every sync that changed it), then its conflict records. */
    String trace(int key) {
        StringBuilder out = new StringBuilder();
        out.append("trace of id=").append(key).append(" (seed ").append(seed).append("):\n");
        int quietSyncs = 0;
        for (Entry e : entries) {
            if (e.what() instanceof Sync sync) {
                String a = text(e.before().get(sync.a()).get(key));
                String b = text(e.before().get(sync.b()).get(key));
                String a2 = text(e.after().get(sync.a()).get(key));
                String b2 = text(e.after().get(sync.b()).get(key));
                if (a.equals(a2) && b.equals(b2)) {
                    quietSyncs++;
                    continue;
                }
                if (quietSyncs > 0) {
                    out.append("    (").append(quietSyncs).append(" syncs leaving id=").append(key).append(" alone)\n");
                    quietSyncs = 0;
                }
                out.append("  #").append(e.op()).append(' ').append(e.what()).append(": ").append(e.note()).append('\n')
                        .append("      ").append(sync.a()).append(": ").append(a).append(" -> ").append(a2).append('\n')
                        .append("      ").append(sync.b()).append(": ").append(b).append(" -> ").append(b2).append('\n');
            } else if (keyOfOp(e.what()) == key) {
                if (quietSyncs > 0) {
                    out.append("    (").append(quietSyncs).append(" syncs leaving id=").append(key).append(" alone)\n");
                    quietSyncs = 0;
                }
                out.append("  #").append(e.op()).append(' ').append(e.what()).append(": ").append(e.note()).append('\n');
            }
        }
        for (Conflict c : conflicts()) {
            if (c.keyJson().equals(keyJson(key))) {
                out.append("  conflict ").append(c.id()).append(' ').append(c.kind()).append(" at ").append(c.siteA())
                        .append('/').append(c.siteB()).append(" by op #").append(runOps.getOrDefault(c.runId(), -1))
                        .append(", winner ").append(c.winner()).append("\n      ").append(c.siteA()).append(": ")
                        .append(c.rowA()).append("\n      ").append(c.siteB()).append(": ").append(c.rowB()).append('\n');
            }
        }
        return out.toString();
    }

    /** Every operation in order, as executed (for a full replay by hand). */
    static String listing(List<Op> ops) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ops.size(); i++) {
            out.append("  #").append(i).append(' ').append(ops.get(i)).append('\n');
        }
        return out.toString();
    }

    static int keyOfOp(Op op) {
        if (op instanceof Put p) {
            return p.key();
        }
        if (op instanceof Delete d) {
            return d.key();
        }
        return op instanceof Same s ? s.key() : -1;
    }

    // ---------------------------------------------------------------- reading the sites

    /** Every key's state at a site: live rows and tombstones. */
    Map<Integer, KeyState> state(String site) throws SQLException {
        Map<Integer, KeyState> out = new TreeMap<>();
        Connection c = app.get(site);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, qty, dv_version, dv_origin, dv_site, dv_seq FROM items");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getInt(1), live(rs, 2));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, dv_version, dv_origin, dv_site, dv_seq FROM dv_tomb_items");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                KeyState dead = new KeyState(false, null, null, rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5));
                if (out.put(rs.getInt(1), dead) != null) {
                    fail("TOMBSTONE", rs.getInt(1), "site " + site + " has both a row and a tombstone");
                }
            }
        }
        return out;
    }

    private KeyState keyState(String site, int key) throws SQLException {
        Connection c = app.get(site);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, qty, dv_version, dv_origin, dv_site, dv_seq FROM items WHERE id = ?")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return live(rs, 1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT dv_version, dv_origin, dv_site, dv_seq FROM dv_tomb_items WHERE id = ?")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new KeyState(false, null, null, rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getLong(4)) : null;
            }
        }
    }

    private static KeyState live(ResultSet rs, int i) throws SQLException {
        String name = rs.getString(i);
        int qty = rs.getInt(i + 1);
        Integer q = rs.wasNull() ? null : qty;
        return new KeyState(true, name, q, rs.getLong(i + 2), rs.getString(i + 3), rs.getString(i + 4), rs.getLong(i + 5));
    }

    private static void bindValues(PreparedStatement ps, String name, Integer qty) throws SQLException {
        ps.setString(1, name);
        if (qty == null) {
            ps.setNull(2, Types.INTEGER);
        } else {
            ps.setInt(2, qty);
        }
    }

    /** Keys whose live rows differ (values, version or origin) between two sites; tombstones may differ. */
    private static List<Integer> differing(Map<Integer, KeyState> x, Map<Integer, KeyState> y) {
        List<Integer> out = new ArrayList<>();
        for (int key : new TreeSet<>(union(x.keySet(), y.keySet()))) {
            KeyState a = x.get(key);
            KeyState b = y.get(key);
            boolean aliveA = a != null && a.alive();
            boolean aliveB = b != null && b.alive();
            if (aliveA != aliveB || aliveA && !a.sameRow(b)) {
                out.add(key);
            }
        }
        return out;
    }

    private static <T> java.util.Set<T> union(java.util.Collection<T> a, java.util.Collection<T> b) {
        java.util.Set<T> out = new java.util.LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }

    private static String text(KeyState s) {
        return s == null ? "nothing" : s.text();
    }

    private static String quote(String s) {
        return s == null ? "NULL" : "'" + s + "'";
    }

    private void fail(String check, int key, String message) {
        failures.add(new Failure(check, key, message));
    }

    @Override
    public void close() {
        close(app.values(), sites);
    }

    /** Closes a run's application connections, then its sites (and their databases). */
    static void close(java.util.Collection<Connection> app, TestSites sites) {
        for (Connection c : app) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the database goes away with the sites
            }
        }
        sites.close();
    }
}
