package org.dovetail.engine.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.dovetail.core.DovetailException;
import org.dovetail.core.ExitCode;
import org.dovetail.core.site.SqlErrors;

/**
 * {@code sync HUB --all}: the hub with every other configured site, {@code parallel} pairs at a
 * time. Each pair is an ordinary pair sync with its own connections and pair lock, so a spoke
 * that syncs with the hub by itself meanwhile only makes that one pair wait (exit 4 for it).
 */
public final class HubSync {
    private final String hub;
    private final List<String> peers;
    private final int parallel;

    public HubSync(String hub, List<String> peers, int parallel) {
        if (parallel < 1) {
            throw DovetailException.usage("--parallel must be at least 1, got " + parallel);
        }
        if (peers.isEmpty()) {
            throw DovetailException.usage("sync " + hub + " --all: no other site is configured");
        }
        this.hub = hub;
        this.peers = List.copyOf(peers);
        this.parallel = parallel;
    }

    /** Syncs every peer with {@code pairSync} (given the peer's name), in peer order of the result. */
    public Result run(Function<String, SyncResult> pairSync) {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, peers.size()), r -> {
            Thread t = new Thread(r, "dovetail-hub-sync");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<SyncResult>> futures = new ArrayList<>();
            for (String peer : peers) {
                futures.add(pool.submit(() -> pairSync.apply(peer)));
            }
            List<Peer> out = new ArrayList<>();
            for (int i = 0; i < peers.size(); i++) {
                out.add(outcome(peers.get(i), futures.get(i)));
            }
            return new Result(hub, out, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            pool.shutdownNow();
        }
    }

    private static Peer outcome(String peer, Future<SyncResult> future) {
        try {
            SyncResult result = future.get();
            return new Peer(peer, result, result.exitCode(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Peer(peer, null, ExitCode.FAILED, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DovetailException de) {
                return new Peer(peer, null, de.exitCode(), de.getMessage());
            }
            return new Peer(peer, null, ExitCode.FAILED, "unexpected failure: " + SqlErrors.describe(cause));
        }
    }

    /** One peer's sync: its result, or the exit code and one-line message of why it did not run or finish. */
    public record Peer(String name, SyncResult result, ExitCode exitCode, String error) {
    }

    /** Every peer's outcome, in the order of the peers. */
    public record Result(String hub, List<Peer> peers, Duration elapsed) {

        public long pushed() {
            return peers.stream().filter(p -> p.result() != null).mapToLong(p -> p.result().pushed()).sum();
        }

        public long pulled() {
            return peers.stream().filter(p -> p.result() != null).mapToLong(p -> p.result().pulled()).sum();
        }

        public long conflicts() {
            return peers.stream().filter(p -> p.result() != null).mapToLong(p -> p.result().conflicts()).sum();
        }

        public long merged() {
            return peers.stream().filter(p -> p.result() != null).mapToLong(p -> p.result().merged()).sum();
        }

        /** Whether a table of some peer's run is under merge: columns (its lines count merges). */
        public boolean merging() {
            return peers.stream().anyMatch(p -> p.result() != null && p.result().merging());
        }

        /**
         * The most serious of the peers' exit codes: a failure (1), then a usage error (2), over conflicts (3) over
         * done (0); a locked pair (4) counts as done for the others, and is the result only when
         * every peer was locked.
         */
        public ExitCode exitCode() {
            if (peers.stream().allMatch(p -> p.exitCode() == ExitCode.LOCKED)) {
                return ExitCode.LOCKED;
            }
            for (ExitCode code : List.of(ExitCode.FAILED, ExitCode.USAGE, ExitCode.CONFLICTS)) {
                if (peers.stream().anyMatch(p -> p.exitCode() == code)) {
                    return code;
                }
            }
            return ExitCode.OK;
        }
    }
}
