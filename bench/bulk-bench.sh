#!/usr/bin/env bash
# Measures Dovetail's initial copy from PostgreSQL to a SQLite and to a MariaDB site against each
# database's own bulk load of the same rows (issue 14: at least 0.5x, i.e. at most twice the time):
#   - SQLite:  `sqlite3 FILE .import --csv` of the rows exported from PostgreSQL as CSV;
#   - MariaDB: `mariadb --local-infile -e "LOAD DATA LOCAL INFILE ..."` of the rows exported from
#     PostgreSQL in COPY's text format (which is LOAD DATA's default format).
# The export is done once and not timed; Dovetail's figure is the whole `./dovetail sync pg X`
# process (JVM start, reading PostgreSQL, writing the target) into an empty installed table.
# Baselines load into the bare table (the application's table before install: no dv_ columns, no
# index on dv_seq, no trigger), and, as a second figure, into the installed table as an
# application would (Dovetail's columns and index, its triggers firing for every row).
#
# Each run starts from a new SQLite file / MariaDB database, each figure is the median of RUNS
# and every Dovetail figure is measured in the same run as its baselines.
# A throwaway PostgreSQL 15 cluster (bench/cluster.sh) and a throwaway MariaDB server (Debian's
# mariadb-server binaries, run as the 'mysql' account when run as root, default durability:
# innodb_flush_log_at_trx_commit=1) are started and stopped by the script. SQLite files are in
# WAL mode with synchronous=FULL (what Dovetail's connections use) for Dovetail and baselines.
#
# Usage: bench/bulk-bench.sh [ROWS] [RUNS]      (defaults: 1000000 3)
# Dovetail runs through ./dovetail (as users run it) with -Xmx256m (DOVETAIL_BENCH_HEAP).
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${2:-3}
HEAP=${DOVETAIL_BENCH_HEAP:-256m}
MARIADBD=${DOVETAIL_MARIADBD:-/usr/sbin/mariadbd}
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh" bulk-bench
"$here/dovetail" --version >/dev/null   # builds the jar when needed
mdir=$(mktemp -d /tmp/dovetail-bulk-bench-mariadb-XXXX)
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mpid=""
as_my() { if [ "$(id -u)" = 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown mysql: "$mdir"
stop_all() {
  # the server itself (runuser does not pass a signal on), then wait for runuser to end
  if [ -f "$mdir/pid" ]; then kill "$(cat "$mdir/pid")" 2>/dev/null || true; fi
  if [ -n "$mpid" ]; then wait "$mpid" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$mdir"
  cluster_stop
}
trap stop_all EXIT
cluster_start
as_my mariadb-install-db --no-defaults --datadir="$mdir/data" --auth-root-authentication-method=socket \
  --skip-test-db --skip-name-resolve >/dev/null
as_my "$MARIADBD" --no-defaults --datadir="$mdir/data" --socket="$mdir/sock" --port="$mport" \
  --bind-address=127.0.0.1 --pid-file="$mdir/pid" --log-error="$mdir/error.log" --skip-name-resolve \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --skip-log-bin \
  --innodb-buffer-pool-size=512M --innodb-log-file-size=512M --default-time-zone=+00:00 --local-infile=1 </dev/null >"$mdir/stdout.log" 2>&1 &
mpid=$!
for _ in $(seq 1 600); do grep -q "ready for connections" "$mdir/error.log" 2>/dev/null && break; sleep 0.1; done
MPW=bench-$RANDOM$RANDOM
as_my mariadb --no-defaults --socket="$mdir/sock" -u mysql \
  -e "CREATE USER bench@'127.0.0.1' IDENTIFIED BY '$MPW'; GRANT ALL PRIVILEGES ON *.* TO bench@'127.0.0.1'"
export DOVETAIL_BENCH_MARIADB_PASSWORD=$MPW
my() { mariadb --no-defaults -h 127.0.0.1 -P "$mport" -u bench -p"$MPW" --local-infile=1 "$@"; }

# The rows: text with 4-byte characters, a tab in some notes, NULLs, decimals with scale.
rows_sql="SELECT g, 'item ' || g || ' 𝄞 😀 Zoë', (g % 1000000) / 100.0,
  CASE WHEN g % 10 = 0 THEN NULL WHEN g % 7 = 0 THEN 'tab' || chr(9) || 'here' ELSE repeat('x', 40) END,
  TIMESTAMP '2026-01-01 00:00:00' + g * INTERVAL '1.000001 second' FROM generate_series(1, $ROWS) g"
psql -d postgres -c "CREATE DATABASE src_lite" -c "CREATE DATABASE src_maria"
psql -d src_lite -c "SET timezone = 'UTC'" -c "CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2), note varchar(200), updated timestamptz)" \
  -c "INSERT INTO items $rows_sql"
# MariaDB has no type for timestamptz (README, "MariaDB and MySQL sites"): its source has timestamp(6)
psql -d src_maria -c "CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2), note varchar(200), updated timestamp(6))" \
  -c "INSERT INTO items $rows_sql"
PGOPTIONS="-c timezone=UTC" psql -d src_lite -c "\\copy items TO '$work/items.csv' WITH (FORMAT csv)"
psql -d src_maria -c "\\copy items TO '$work/items.tsv'"
chmod a+r "$work"/items.*

lite_ddl="CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, price DECIMAL TEXT, note VARCHAR(200), updated TIMESTAMPTZ)"
maria_ddl="CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, price DECIMAL(12,2), note VARCHAR(200), updated DATETIME(6))"
new_lite() { rm -f "$1" "$1-wal" "$1-shm"; sqlite3 "$1" "PRAGMA journal_mode=WAL" "$lite_ddl" >/dev/null; }
new_maria() { my -e "DROP DATABASE IF EXISTS $1; DROP DATABASE IF EXISTS ${1}_dovetail;
  CREATE DATABASE $1 CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; USE $1; $maria_ddl"; }
{
  echo "sites:"
  printf '  pgl:\n    url: jdbc:postgresql://127.0.0.1:%s/src_lite\n    user: postgres\n' "$port"
  printf '  pgm:\n    url: jdbc:postgresql://127.0.0.1:%s/src_maria\n    user: postgres\n' "$port"
  printf '  lite:\n    url: jdbc:sqlite:%s/lite.db\n' "$work"
  printf '  maria:\n    url: jdbc:mariadb://127.0.0.1:%s/maria\n    user: bench\n    password-env: DOVETAIL_BENCH_MARIADB_PASSWORD\n' "$mport"
  echo "tables: [items]"
} > "$work/dovetail.yml"
dv() { DOVETAIL_JAVA_OPTS="-Xmx$HEAP" "$here/dovetail" --config "$work/dovetail.yml" "$@"; }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
declare -A T
add() { T[$1]="${T[$1]:-} $2"; }
median() { tr ' ' '\n' <<<"${T[$1]}" | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
count() { local n; n=$("$@"); [ "$n" = "$ROWS" ] || { echo "expected $ROWS rows, found $n: $*" >&2; exit 1; }; }
lite_import() { sqlite3 "$1" ".import --csv $work/items.csv items"; }
# the installed table has more columns than the file: its dv_ columns are filled with NULL (one
# warning line per row on stderr, thrown away)
lite_import_installed() { sqlite3 "$1" ".import --csv $work/items.csv items" 2>/dev/null; }
maria_load() { my "$1" -e "LOAD DATA LOCAL INFILE '$work/items.tsv' INTO TABLE items (id, name, price, note, updated)"; }

dv install pgl >/dev/null
dv install pgm >/dev/null
if [ -n "${BULK_BENCH_HOOK:-}" ]; then  # for profiling: runs the command in this set-up instead of the runs
  export work port mport here HEAP; export -f dv my new_lite new_maria psql as_pg; export bin lite_ddl maria_ddl MPW
  bash -c "$BULK_BENCH_HOOK"; exit
fi
for r in $(seq 1 "$RUNS"); do
  echo "run $r of $RUNS ..." >&2
  psql -d src_lite -c "DELETE FROM dovetail.peer_mark; DELETE FROM dovetail.sent_mark"
  psql -d src_maria -c "DELETE FROM dovetail.peer_mark; DELETE FROM dovetail.sent_mark"
  # SQLite: bare table, Dovetail, installed table
  new_lite "$work/bare.db"; sync
  add lite_bare "$(secs lite_import "$work/bare.db")"
  count sqlite3 "$work/bare.db" "SELECT count(*) FROM items"
  new_lite "$work/lite.db"; dv install lite >/dev/null; sync
  add lite_dv "$(secs dv sync pgl lite)"
  count sqlite3 "$work/lite.db" "SELECT count(*) FROM items WHERE dv_seq IS NOT NULL"
  new_lite "$work/inst.db"; sed "s#lite.db#inst.db#" "$work/dovetail.yml" > "$work/inst.yml"
  DOVETAIL_JAVA_OPTS="-Xmx$HEAP" "$here/dovetail" --config "$work/inst.yml" install lite >/dev/null; sync
  add lite_inst "$(secs lite_import_installed "$work/inst.db")"
  count sqlite3 "$work/inst.db" "SELECT count(*) FROM items WHERE dv_seq IS NOT NULL"
  rm -f "$work"/*.db "$work"/*.db-*
  # MariaDB: bare table, Dovetail, installed table
  new_maria bare
  add maria_bare "$(secs maria_load bare)"
  count my -N bare -e "SELECT count(*) FROM items"
  new_maria maria; dv install maria >/dev/null
  add maria_dv "$(secs dv sync pgm maria)"
  count my -N maria -e "SELECT count(*) FROM items WHERE dv_seq IS NOT NULL"
  new_maria maria; dv install maria >/dev/null
  add maria_inst "$(secs maria_load maria)"
  count my -N maria -e "SELECT count(*) FROM items WHERE dv_seq IS NOT NULL"
  my -e "DROP DATABASE bare; DROP DATABASE maria; DROP DATABASE maria_dovetail"
done

ratio() { echo "scale=2; $1 / $2" | bc; }
row() { printf '%-64s %9.2f %s\n' "$1" "$2" "${3:-}"; }
printf '%-64s %9s\n' "PostgreSQL -> SQLite / MariaDB, $ROWS rows, heap $HEAP, median of $RUNS" "seconds"
row "sqlite3 .import --csv into the bare table" "$(median lite_bare)"
row "dovetail sync pg lite, initial copy" "$(median lite_dv)" "($(ratio "$(median lite_dv)" "$(median lite_bare)") x the bare .import)"
row "sqlite3 .import --csv into the installed table (triggers)" "$(median lite_inst)"
row "LOAD DATA LOCAL INFILE into the bare table" "$(median maria_bare)"
row "dovetail sync pg maria, initial copy" "$(median maria_dv)" "($(ratio "$(median maria_dv)" "$(median maria_bare)") x the bare LOAD DATA)"
row "LOAD DATA LOCAL INFILE into the installed table (triggers)" "$(median maria_inst)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
