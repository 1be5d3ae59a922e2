#!/usr/bin/env bash
# Bucardo against Dovetail on the same incremental work, on one throwaway PostgreSQL 15 cluster of
# its own (started under the 'postgres' account when run as root; Bucardo runs as 'postgres' too,
# everything under the cluster's /tmp folder). Four databases of the same `items` table of ROWS
# rows (bench/rows.sh): buc_a and buc_b in a two-database, one-table Bucardo sync (both sources,
# conflict_strategy bucardo_latest, autokick off), dv_a and dv_b synced once by Dovetail. Each run
# updates CHANGED rows at a and CHANGED/10 other rows at b on both pairs, then times
# `bucardo kick items_sync 0` (returns when the sync has finished) and `./dovetail sync a b`, in
# turn, and prints the medians side by side.
#
# Usage: bench/bucardo-bench.sh [ROWS] [CHANGED] [RUNS]     (defaults: 1000000 100000 3)
# Needs the Debian packages bucardo and postgresql-plperl-15 (Bucardo's own database runs PL/PerlU);
# without them it says so and exits 0. KEEP=1 keeps the work directory and
# Bucardo's (/tmp/dovetail-bucardo-PID: its log in blog/).
set -euo pipefail
ROWS=${1:-1000000}
CHANGED=${2:-100000}
RUNS=${3:-3}
HEAP=${DOVETAIL_BENCH_HEAP:-256m}
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh" bucardo-bench
if ! command -v bucardo >/dev/null || [ ! -f "$bin/../lib/plperl.so" ]; then
  rm -rf "$work"
  echo "bucardo-bench: skipped: needs bucardo and postgresql-plperl-15 (apt-get install bucardo postgresql-plperl-15)"
  exit 0
fi
"$here/dovetail" --version >/dev/null   # builds the jar when needed
# Bucardo's pid and log folder: Bucardo lowercases the paths it is given, so one without capitals
bdir=/tmp/dovetail-bucardo-$$
buc() { as_pg bucardo --no-bucardorc --db-host 127.0.0.1 --db-port "$port" --db-user bucardo --db-name bucardo "$@"; }
cleanup() {
  buc stop >/dev/null 2>&1 || true
  # bucardo stop asks its processes to exit; wait for them (their pid files) before the cluster goes
  for _ in $(seq 50); do ls "$bdir"/run/*.pid >/dev/null 2>&1 || break; sleep 0.2; done
  cluster_stop
  [ -n "${KEEP:-}" ] || rm -rf "$bdir"
}
trap cleanup EXIT
cluster_start -c max_connections=100
source "$here/bench/rows.sh"
fresh() { psql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null; psql -d "$1" -c "$ddl"; }
site() { printf '  %s:\n    url: jdbc:postgresql://127.0.0.1:%s/%s\n    user: postgres\n' "$1" "$port" "$2"; }
{ echo "sites:"; site a dv_a; site b dv_b; echo "tables: [items]"; } > "$work/dovetail.yml"
dv() { DOVETAIL_JAVA_OPTS="-Xmx$HEAP" "$here/dovetail" --config "$work/dovetail.yml" "$@"; }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
declare -A T
add() { T[$1]="${T[$1]:-} $2"; }
median() { tr ' ' '\n' <<<"${T[$1]}" | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "loading $ROWS rows into four databases ..." >&2
for d in buc_a buc_b dv_a; do fresh $d; load $d "$ROWS"; done
fresh dv_b
dv install a >/dev/null; dv install b >/dev/null; dv sync a b >/dev/null

echo "setting up Bucardo ..." >&2
mkdir -p "$bdir/run" "$bdir/blog"
[ "$(id -u)" = 0 ] && chown -R postgres "$bdir"
# creates the role and database 'bucardo' (PL/PerlU) from /usr/share/bucardo/bucardo.schema
(cd "$bdir" && as_pg bucardo --no-bucardorc install --batch --quiet --dbhost 127.0.0.1 --dbport "$port" --dbuser postgres \
  --dbname postgres --piddir "$bdir/run") >"$work/bucardo-install.log" 2>&1 \
  || { cat "$work/bucardo-install.log" >&2; exit 1; }
buc set piddir="$bdir/run" reason_file="$bdir/run/bucardo.restart.reason.txt" log_conflict_file="$bdir/blog/conflict.log" \
  warning_file="$bdir/blog/warning.log" stats_script_url=none >/dev/null
for s in a b; do buc add db "$s" dbname=buc_$s host=127.0.0.1 port="$port" user=postgres >/dev/null; done
buc add sync items_sync dbs=a:source,b:source tables=public.items conflict_strategy=bucardo_latest autokick=0 >/dev/null
(cd "$bdir" && buc start --log-destination "$bdir/blog" --sendmail=0 "bench") >/dev/null
buc kick items_sync 0 >/dev/null   # the first kick waits for the processes and an empty sync

for r in $(seq 1 "$RUNS"); do
  echo "run $r of $RUNS ..." >&2
  for d in buc dv; do
    psql -d ${d}_a -c "UPDATE items SET price = price + 1 WHERE id <= $CHANGED"
    psql -d ${d}_b -c "UPDATE items SET note = 'b side $r' WHERE id > $ROWS - $((CHANGED / 10))"
  done
  psql -d postgres -c CHECKPOINT
  add bucardo "$(secs buc kick items_sync 0)"
  psql -d postgres -c CHECKPOINT
  add dovetail "$(secs dv sync a b)"
done
# both pairs must have converged, or the times compare different work
for d in buc dv; do
  q="SELECT md5(string_agg(format('%s|%s', id, price), ',' ORDER BY id)) || md5(string_agg(note, ',' ORDER BY id)) FROM items"
  [ "$(psql -d ${d}_a -At -c "$q")" = "$(psql -d ${d}_b -At -c "$q")" ] || { echo "bucardo-bench: $d's two databases differ after the syncs" >&2; exit 1; }
done

printf '%-62s %9s\n' "$CHANGED + $((CHANGED / 10)) rows changed of $ROWS $SHAPE, median of $RUNS" "seconds"
printf '%-62s %9.2f\n' "bucardo kick items_sync 0 (two sources, bucardo_latest)" "$(median bucardo)"
printf '%-62s %9.2f\n' "./dovetail sync a b" "$(median dovetail)"
echo "  each run: bucardo${T[bucardo]}; dovetail${T[dovetail]}"
printf '  %-60s %9.2f\n' "dovetail / bucardo (target 0.33)" "$(echo "scale=4; $(median dovetail) / $(median bucardo)" | bc)"
