#!/usr/bin/env bash
# Measures `dovetail install` on a PostgreSQL table of ROWS rows while an application keeps
# writing to it, on a throwaway PostgreSQL 15 cluster of its own (started under the 'postgres'
# account when run as root). The application is pgbench, one client at a fixed rate (RATE
# transactions/s), each transaction one single-row UPDATE of a random id (9 in 10) or one INSERT
# of a new id (1 in 10), every transaction's latency logged (pgbench -l).
# Each run loads a fresh table, measures the load alone for BASE seconds (baseline), then runs
# install under the same load. Prints per run and the medians: install wall time, the longest
# application write latency during install (any transaction overlapping the install) and during
# the baseline.
# Usage: bench/install-bench.sh [ROWS] [RUNS]     (defaults: 1000000 3)
# Environment: DOVETAIL_BENCH_JAR (sync-cli/target/dovetail.jar), DOVETAIL_BENCH_RATE (200), DOVETAIL_BENCH_BASE (15 s), DOVETAIL_BENCH_HEAP (256m),
#              DOVETAIL_PG_BIN (/usr/lib/postgresql/15/bin), DOVETAIL_BENCH_PGOPTS (extra server
#              options, e.g. "-c log_lock_waits=on"), KEEP=1 keeps the work directory (logs);
#              a jar is built if missing.
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${2:-3}
RATE=${DOVETAIL_BENCH_RATE:-200}
BASE=${DOVETAIL_BENCH_BASE:-15}
HEAP=${DOVETAIL_BENCH_HEAP:-256m}
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh" install-bench
jar=${DOVETAIL_BENCH_JAR:-$here/sync-cli/target/dovetail.jar}
[ -f "$jar" ] || (cd "$here" && mvn -B -q -DskipTests -pl sync-cli -am package)
load_pid=
cleanup() {
    [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
    cluster_stop
}
trap cleanup EXIT
cluster_start -c checkpoint_timeout=30min ${DOVETAIL_BENCH_PGOPTS:-}

cat > "$work/update.sql" <<SQL
\set id random(1, $ROWS)
UPDATE items SET price = price + 0.01, updated = now() WHERE id = :id;
SQL
cat > "$work/insert.sql" <<SQL
INSERT INTO items VALUES (nextval('bench_new_id'), 'new item', 1.00, 'inserted during the bench', now());
SQL
cat > "$work/dovetail.yml" <<YML
sites:
  a:
    url: jdbc:postgresql://127.0.0.1:$port/bench
    user: postgres
tables: [items]
YML

# Starts the application load in the background, logging each transaction under prefix $1.
start_load() {
    rm -f "$work/$1".*
    (cd "$work" && exec "$bin/pgbench" -n -h 127.0.0.1 -p "$port" -U postgres -c 1 -R "$RATE" -T 3600 \
        -f update.sql@9 -f insert.sql@1 -l --log-prefix="$work/$1" bench >"$work/$1.out" 2>&1) &
    load_pid=$!
    sleep 1
}
# Stops it after a grace period (pgbench flushes its log in blocks; entries after the window may be lost).
stop_load() {
    sleep 2
    kill -INT "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
    load_pid=
}
# The longest latency (ms) of a transaction overlapping [$2, $3] (epoch seconds) in log prefix $1,
# how many there were, when the longest ended (seconds after $2), and the longest counting the
# schedule lag too (with --rate, pgbench counts latency from the scheduled start: a client that
# fell behind, say on a machine short of CPU, shows its backlog there, not a wait of the write).
longest() {
    cat "$work/$1".[0-9]* | python3 -c '
import sys
lo, hi = float(sys.argv[1]), float(sys.argv[2])
best, at, n, lagged = 0.0, 0.0, 0, 0.0
for line in sys.stdin:
    f = line.split()
    if len(f) < 7 or not line.endswith("\n"):
        continue  # the last line, cut short when pgbench was stopped
    total = int(f[2]) / 1e6
    lat = total - int(f[6]) / 1e6
    end = int(f[4]) + int(f[5]) / 1e6
    if end >= lo and end - lat <= hi:
        n += 1
        lagged = max(lagged, total)
        if lat > best:
            best, at = lat, end - lo
print("%.1f %d %.1f %.1f" % (best * 1000, n, at, lagged * 1000))' "$2" "$3"
}
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

installs=(); stalls=(); bases=(); stall_lags=(); base_lags=()
for run in $(seq 1 "$RUNS"); do
    psql -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
    psql -d bench -c "CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2),
            note varchar(200), updated timestamptz)" \
        -c "INSERT INTO items SELECT g, 'item ' || g, (g % 10000) / 100.0, repeat('x', 40), now()
            FROM generate_series(1, $ROWS) g" \
        -c "CREATE SEQUENCE bench_new_id START $((ROWS * 10))" -c "VACUUM ANALYZE items" -c "CHECKPOINT"

    start_load base
    b0=$(now); sleep "$BASE"; b1=$(now)
    stop_load
    read -r base_ms base_n base_at base_lag < <(longest base "$b0" "$b1")

    start_load inst
    i0=$(now)
    java -Xmx"$HEAP" -jar "$jar" --config "$work/dovetail.yml" install a >"$work/install.out" 2>&1 \
        || { cat "$work/install.out"; exit 1; }
    i1=$(now)
    stop_load
    read -r inst_ms inst_n inst_at inst_lag < <(longest inst "$i0" "$i1")
    secs=$(echo "$i1 - $i0" | bc)
    printf 'run %d: install %6.2f s (%s); longest write during install %7.1f ms (at +%.1f s, %d writes,' \
        "$run" "$secs" "$(head -1 "$work/install.out")" "$inst_ms" "$inst_at" "$inst_n"
    printf ' %.1f ms with schedule lag); baseline %7.1f ms (%d writes in %d s, %.1f ms with schedule lag)\n' \
        "$inst_lag" "$base_ms" "$base_n" "$BASE" "$base_lag"
    installs+=("$secs"); stalls+=("$inst_ms"); bases+=("$base_ms"); stall_lags+=("$inst_lag"); base_lags+=("$base_lag")
    psql -d bench -Atc "SELECT count(*) FILTER (WHERE dv_version IS NULL OR dv_seq IS NULL), count(*) FROM items" \
        | grep -q '^0|' || echo "  WARNING: rows without bookkeeping after install"
done
printf '%-60s %10s\n' "median of $RUNS runs ($ROWS rows, load $RATE writes/s)" ""
printf '%-60s %10.2f s\n' "install wall time" "$(median "${installs[@]}")"
printf '%-60s %10.1f ms\n' "longest application write during install" "$(median "${stalls[@]}")"
printf '%-60s %10.1f ms\n' "longest application write, same load without install" "$(median "${bases[@]}")"
printf '%-60s %10.1f ms\n' "  the same counting schedule lag, during install" "$(median "${stall_lags[@]}")"
printf '%-60s %10.1f ms\n' "  the same counting schedule lag, without install" "$(median "${base_lags[@]}")"
