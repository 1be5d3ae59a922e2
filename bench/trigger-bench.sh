#!/usr/bin/env bash
# What Dovetail's PostgreSQL triggers cost an application: pgbench on two identical databases,
# one with Dovetail installed and one without, on a throwaway PostgreSQL 15 cluster of its own
# (started under the 'postgres' account when run as root).
#
# Workloads (pgbench -c 2 -j 2, custom scripts, no vacuum):
#   update  single-row UPDATE of a random existing id, setting a changed value (price + 0.01)
#   insert  single-row INSERT of a new id; ids are unique across clients and runs without
#           ON CONFLICT: base + n * clients + client_id, n counting the client's transactions
# Each run lasts SECONDS; runs alternate without/with (the order flips every round) for ROUNDS
# rounds, once with the default synchronous_commit (commits wait for the WAL flush) and once
# with synchronous_commit=off (PGOPTIONS), where the CPU cost of the triggers shows.
# Then a 1,000,000-row INSERT ... SELECT in applying mode (as the sync writes received rows)
# into an installed table, with its triggers enabled and disabled, 5 rounds.
#
# Usage: bench/trigger-bench.sh [ROWS] [ROUNDS] [SECONDS]   (defaults: 1000000 5 10)
# DOVETAIL_JAR=path/to/dovetail.jar measures another build (default: sync-cli/target/dovetail.jar,
# built when missing). DOVETAIL_COMPARE_JAR=other.jar adds a third identical database with that
# build installed, measured in the same alternation (e.g. before and after a change).
# Prints medians (and each run's TPS on stderr); exits non-zero on any pgbench failure.
set -euo pipefail
ROWS=${1:-1000000}
ROUNDS=${2:-5}
SECONDS_PER_RUN=${3:-10}
APPLY_ROWS=1000000
APPLY_ROUNDS=5
CLIENTS=2
HEAP=${DOVETAIL_BENCH_HEAP:-256m}
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh" trigger-bench
jar=${DOVETAIL_JAR:-$here/sync-cli/target/dovetail.jar}
[ -f "$jar" ] || (cd "$here" && mvn -B -q -DskipTests -pl sync-cli -am package)
trap cluster_stop EXIT
cluster_start

compare=${DOVETAIL_COMPARE_JAR:-}
dbs="bench_plain bench_dv"; [ -n "$compare" ] && dbs="$dbs bench_cmp"
echo "setting up: $ROWS rows in each of $dbs; Dovetail from $jar on bench_dv${compare:+, from $compare on bench_cmp}" >&2
ddl="CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2), note varchar(200), updated timestamptz);
     CREATE TABLE applied (LIKE items INCLUDING ALL)"
load="INSERT INTO items SELECT g, 'item ' || g, (g % 10000) / 100.0, repeat('x', 40), now() FROM generate_series(1, $ROWS) g"
for db in $dbs; do
    psql -d postgres -c "CREATE DATABASE $db"
    psql -d $db -c "$ddl" -c "$load"
done
install() { # $1 jar, $2 database
    cat > "$work/$2.yml" <<YML
sites:
  dv:
    url: jdbc:postgresql://127.0.0.1:$port/$2
    user: postgres
tables: [items, applied]
YML
    java -Xmx$HEAP -jar "$1" --config "$work/$2.yml" install dv >&2
}
install "$jar" bench_dv
[ -n "$compare" ] && install "$compare" bench_cmp
# The backfill rewrote every row of the installed tables: compact all tables alike.
for db in $dbs; do psql -d $db -c "VACUUM (FULL, ANALYZE) items" -c CHECKPOINT; done

cat > "$work/update.sql" <<'SQL'
\set id random(1, :rows)
UPDATE items SET price = price + 0.01 WHERE id = :id;
SQL
cat > "$work/insert.sql" <<'SQL'
\set n :n + 1
\set id :base + :n * :clients + :client_id
INSERT INTO items (id, name, price, note, updated) VALUES (:id, 'new item', 1.00, 'inserted by pgbench', now());
SQL

# One pgbench run; prints its TPS. $1 database, $2 workload, $3 extra PGOPTIONS, $4 id base.
bench() {
    local out
    out=$(PGOPTIONS="$3" "$bin/pgbench" -n -h 127.0.0.1 -p "$port" -U postgres -c $CLIENTS -j $CLIENTS \
        -T "$SECONDS_PER_RUN" -D rows="$ROWS" -D n=0 -D clients=$CLIENTS -D base="$4" -f "$work/$2.sql" "$1" 2>&1) \
        || { echo "$out" >&2; exit 1; }
    if ! grep -q "number of failed transactions: 0 " <<<"$out" && grep -q "number of failed transactions" <<<"$out"; then
        echo "$out" >&2; exit 1
    fi
    sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A tps ratio
run=0
for commit in on off; do
    options=""; [ $commit = off ] && options="-c synchronous_commit=off"
    for round in $(seq "$ROUNDS"); do
        order=$dbs; [ $((round % 2)) = 0 ] && order=$(tr ' ' '\n' <<<"$dbs" | tac | tr '\n' ' ')
        for workload in update insert; do
            run=$((run + 1))
            base=$((ROWS + run * 100000000))
            declare -A this=()
            for db in $order; do
                t=$(bench $db $workload "$options" $base)
                this[$db]=$t
                tps[$commit,$workload,$db]+="$t "
                printf 'synchronous_commit=%-3s round %d %-6s %-11s %10.1f tps\n' $commit "$round" $workload $db "$t" >&2
            done
            for db in $dbs; do
                ratio[$commit,$workload,$db]+="$(echo "100 * ${this[$db]} / ${this[bench_plain]}" | bc -l) "
            done
        done
    done
done

# Applying mode: the sync's bulk path, into the installed table 'applied' of each installed database.
# Applying mode through dovetail.set_applying (builds before it: the setting 'on').
apply_sql="BEGIN; SET LOCAL dovetail.applying = 'on';
DO \$\$ BEGIN IF to_regprocedure('dovetail.set_applying(boolean)') IS NOT NULL THEN
PERFORM dovetail.set_applying(true); END IF; END \$\$;
INSERT INTO applied (id, name, price, note, updated, dv_version, dv_origin, dv_site, dv_changed_at, dv_from)
SELECT g, 'item ' || g, (g % 10000) / 100.0, repeat('x', 40), now(), 1, gen_random_uuid()::text, 'peer', now(), 'peer'
FROM generate_series(1, $APPLY_ROWS) g; COMMIT;"
apply_once() { # $1 database, $2 ENABLE or DISABLE
    # TRUNCATE of an installed table is refused while its triggers are enabled
    psql -d $1 -c "ALTER TABLE applied DISABLE TRIGGER USER" -c "TRUNCATE applied, dv_tomb_applied" \
        -c "ALTER TABLE applied $2 TRIGGER USER" -c CHECKPOINT
    local s e
    s=$(date +%s.%N); psql -d $1 -c "$apply_sql"; e=$(date +%s.%N)
    psql -d $1 -c "ALTER TABLE applied ENABLE TRIGGER USER"
    echo "$e - $s" | bc
}
declare -A secs
runs="bench_dv:DISABLE bench_dv:ENABLE"; [ -n "$compare" ] && runs+=" bench_cmp:ENABLE"
for round in $(seq "$APPLY_ROUNDS"); do
    for run in $runs; do
        db=${run%:*}; mode=${run#*:}
        t=$(apply_once $db $mode)
        secs[$db,$mode]+="$t "
        printf 'applying-mode INSERT ... SELECT of %d rows, %-9s triggers %-8s %6.2f s\n' $APPLY_ROWS $db ${mode,,}d "$t" >&2
    done
done

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo
echo "pgbench -c $CLIENTS -j $CLIENTS -T $SECONDS_PER_RUN, $ROUNDS rounds alternating, $ROWS rows;"
echo "median TPS, and the median over rounds of (TPS with / TPS without in the same round)"
echo "with Dovetail: $jar${compare:+; compare: $compare}"
header=$(printf '%-8s %-18s %12s %14s %6s' workload synchronous_commit without "with Dovetail" ratio)
[ -n "$compare" ] && header+=$(printf ' %14s %6s' "with compare" ratio)
echo "$header"
for commit in on off; do
    for workload in update insert; do
        without=$(med "${tps[$commit,$workload,bench_plain]}")
        with=$(med "${tps[$commit,$workload,bench_dv]}")
        line=$(printf '%-8s %-18s %12.1f %14.1f %5.0f%%' $workload $commit "$without" "$with" \
            "$(med "${ratio[$commit,$workload,bench_dv]}")")
        if [ -n "$compare" ]; then
            other=$(med "${tps[$commit,$workload,bench_cmp]}")
            line+=$(printf ' %14.1f %5.0f%%' "$other" "$(med "${ratio[$commit,$workload,bench_cmp]}")")
        fi
        echo "$line"
    done
done
echo
printf 'applying-mode INSERT ... SELECT of %d rows (median of %d): triggers disabled %.2f s, enabled %.2f s' \
    $APPLY_ROWS "$APPLY_ROUNDS" "$(med "${secs[bench_dv,DISABLE]}")" "$(med "${secs[bench_dv,ENABLE]}")"
[ -n "$compare" ] && printf ', compare enabled %.2f s' "$(med "${secs[bench_cmp,ENABLE]}")"
echo
