#!/usr/bin/env bash
# Times `dovetail verify a b` of two identical PostgreSQL tables against the SQL digest of both
# tables in the same run, on a throwaway PostgreSQL 15 cluster of its own (bench/cluster.sh).
# The baseline is what a user would type into psql: one digest query per site, site a then site b,
# `SELECT md5(string_agg(ROW(user columns)::text, '' ORDER BY id)) FROM items`.
# Both sites are installed (./dovetail install) and filled by one ./dovetail sync, as users do.
# Each run times verify and then the baseline, one after the other; every figure is the median
# of RUNS runs, printed beside its baseline of the same runs, with the load average.
#
# Usage: bench/verify-bench.sh [ROWS] [RUNS]      (defaults: 1000000 5)
# Dovetail runs through ./dovetail (as users run it) with -Xmx256m (DOVETAIL_BENCH_HEAP).
# DOVETAIL_BENCH_BEFORE=/path/to/another/checkout/dovetail also times that build's verify in
# each run (its jar built beforehand, e.g. the commit before a change), for a paired comparison.
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${2:-5}
HEAP=${DOVETAIL_BENCH_HEAP:-256m}
BEFORE=${DOVETAIL_BENCH_BEFORE:-}
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh" verify-bench
"$here/dovetail" --version >/dev/null   # builds the jar when needed
trap cluster_stop EXIT
cluster_start
# The bench table of issue 14 (as bench/sync-bench.sh builds it); every tenth name carries a 4-byte character.
ddl="CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2), note varchar(200), updated timestamptz)"
cols="id, name, price, note, updated"
psql -d postgres -c "CREATE DATABASE bench_a" -c "CREATE DATABASE bench_b"
psql -d bench_a -c "$ddl" -c "INSERT INTO items SELECT g, 'item ' || g || CASE WHEN g % 10 = 0 THEN ' 😀' ELSE '' END,
    (g % 10000) / 100.0, repeat('x', 40), now() FROM generate_series(1, $ROWS) g"
psql -d bench_b -c "$ddl"
site() { printf '  %s:\n    url: jdbc:postgresql://127.0.0.1:%s/%s\n    user: postgres\n' "$1" "$port" "$2"; }
{ echo "sites:"; site a bench_a; site b bench_b; echo "tables: [items]"; } > "$work/dovetail.yml"
dv() { DOVETAIL_JAVA_OPTS="-Xmx$HEAP" "$here/dovetail" --config "$work/dovetail.yml" "$@"; }
dv install a >/dev/null
dv install b >/dev/null
dv sync a b >/dev/null
psql -d bench_a -c "VACUUM ANALYZE items"
psql -d bench_b -c "VACUUM ANALYZE items"
dv verify a b >/dev/null || { echo "verify-bench: the two sites are not identical after the sync" >&2; exit 1; }
before() { DOVETAIL_JAVA_OPTS="-Xmx$HEAP" "$BEFORE" --config "$work/dovetail.yml" "$@"; }
[ -z "$BEFORE" ] || before sync a b >/dev/null   # records its class archive

secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
digest="SELECT md5(string_agg(ROW($cols)::text, '' ORDER BY id)) FROM items"
baseline() { psql -d bench_a -c "$digest" && psql -d bench_b -c "$digest"; }
[ "$(psql -d bench_a -At -c "$digest")" = "$(psql -d bench_b -At -c "$digest")" ] \
    || { echo "verify-bench: the SQL digests differ" >&2; exit 1; }
declare -A T
add() { T[$1]="${T[$1]:-} $2"; }
median() { tr ' ' '\n' <<<"${T[$1]}" | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
load=()
for r in $(seq 1 "$RUNS"); do
  echo "run $r of $RUNS ..." >&2
  add verify "$(secs dv verify a b)"
  [ -z "$BEFORE" ] || add before "$(secs before verify a b)"
  add digest "$(secs baseline)"
  add jvm "$(secs dv --version)"
  load+=("$(cut -d' ' -f1 /proc/loadavg)")
done

printf '%-58s %9s %9s %7s\n' "verify, PostgreSQL 15, $ROWS identical rows, median of $RUNS" "seconds" "baseline" "ratio"
printf '%-58s %9.2f %9.2f %7.2f\n' "dovetail verify a b vs SQL digest of a, then of b" \
    "$(median verify)" "$(median digest)" "$(echo "$(median verify) / $(median digest)" | bc -l)"
[ -z "$BEFORE" ] || printf '%-58s %9.2f %9.2f %7.2f\n' "$BEFORE verify a b vs the same baseline" \
    "$(median before)" "$(median digest)" "$(echo "$(median before) / $(median digest)" | bc -l)"
printf '%-58s %9.2f\n' "of which JVM start: ./dovetail --version" "$(median jvm)"
echo "load average (1 min) after each run: ${load[*]}; $(uptime)"
