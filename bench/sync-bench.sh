#!/usr/bin/env bash
# Measures install and sync speed PostgreSQL -> PostgreSQL against psql \copy, on a throwaway
# PostgreSQL 15 cluster of its own (started under the 'postgres' account when run as root).
# Usage: bench/sync-bench.sh [ROWS] [CHANGED]     (defaults: 1000000 100000)
set -euo pipefail
ROWS=${1:-1000000}
CHANGED=${2:-100000}
HEAP=${DOVETAIL_BENCH_HEAP:-256m}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin=${DOVETAIL_PG_BIN:-/usr/lib/postgresql/15/bin}
jar="$here/sync-cli/target/dovetail.jar"
[ -f "$jar" ] || (cd "$here" && mvn -B -q -DskipTests -pl sync-cli -am package)
work=$(mktemp -d /tmp/dovetail-bench-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
cleanup() { as_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$bin/pg_ctl" -D "$work/data" -w -l "$work/log" -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
psql() { "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres "$@"; }
for db in bench_a bench_b copy_a copy_b; do psql -d postgres -c "CREATE DATABASE $db"; done
ddl="CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2), note varchar(200), updated timestamptz)"
for db in bench_a bench_b copy_a copy_b; do psql -d $db -c "$ddl"; done
load="INSERT INTO items SELECT g, 'item ' || g, (g % 10000) / 100.0, repeat('x', 40), now() FROM generate_series(1, $ROWS) g"
psql -d bench_a -c "$load"; psql -d copy_a -c "$load"
cat > "$work/dovetail.yml" <<YML
sites:
  a:
    url: jdbc:postgresql://127.0.0.1:$port/bench_a
    user: postgres
  b:
    url: jdbc:postgresql://127.0.0.1:$port/bench_b
    user: postgres
tables: [items]
YML
dv() { java -Xmx$HEAP -jar "$jar" --config "$work/dovetail.yml" "$@"; }
secs() { local s=$(date +%s.%N); "$@" >/dev/null; local e=$(date +%s.%N); echo "$e - $s" | bc; }
rate() { echo "scale=0; $1 / $2" | bc; }

t_install=$(secs dv install a); dv install b >/dev/null
t_copy=$(secs bash -c "'$bin/psql' -X -q -h 127.0.0.1 -p $port -U postgres -d copy_a -c '\\copy items TO STDOUT' | '$bin/psql' -X -q -h 127.0.0.1 -p $port -U postgres -d copy_b -c '\\copy items FROM STDIN'")
t_initial=$(secs dv sync a b)
psql -d bench_a -c "UPDATE items SET price = price + 1 WHERE id <= $CHANGED"
psql -d bench_b -c "UPDATE items SET note = 'b side' WHERE id > $ROWS - $((CHANGED / 10))"
psql -d copy_a -c "UPDATE items SET price = price + 1 WHERE id <= $CHANGED"
t_upsert=$(secs bash -c "'$bin/psql' -X -q -h 127.0.0.1 -p $port -U postgres -d copy_a -c '\\copy (SELECT * FROM items WHERE id <= $CHANGED) TO STDOUT' | '$bin/psql' -X -q -h 127.0.0.1 -p $port -U postgres -d copy_b -c 'CREATE TEMP TABLE t (LIKE items)' -c '\\copy t FROM STDIN' -c 'INSERT INTO items SELECT * FROM t ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price, note = EXCLUDED.note, updated = EXCLUDED.updated'")
t_incr=$(secs dv sync a b)
t_none=$(secs dv sync a b)
t_jvm=$(secs java -Xmx$HEAP -jar "$jar" --version)
t_verify=$(secs dv verify a b)
printf '%-48s %10s %12s\n' "measure ($ROWS rows, heap $HEAP)" "seconds" "rows/s"
printf '%-48s %10.2f %12s\n' "install a (backfill $ROWS rows)" "$t_install" "$(rate $ROWS $t_install)"
printf '%-48s %10.2f %12s\n' "baseline: psql \\copy out | \\copy in" "$t_copy" "$(rate $ROWS $t_copy)"
printf '%-48s %10.2f %12s\n' "dovetail sync, initial copy" "$t_initial" "$(rate $ROWS $t_initial)"
printf '%-48s %10.2f %12s\n' "baseline: COPY to temp + INSERT ON CONFLICT" "$t_upsert" "$(rate $CHANGED $t_upsert)"
printf '%-48s %10.2f %12s\n' "dovetail sync, $CHANGED + $((CHANGED / 10)) changed" "$t_incr" "$(rate $((CHANGED + CHANGED / 10)) $t_incr)"
printf '%-48s %10.2f\n' "dovetail sync, nothing changed" "$t_none"
printf '%-48s %10.2f\n' "JVM start (dovetail --version)" "$t_jvm"
printf '%-48s %10.2f\n' "dovetail verify (identical tables)" "$t_verify"
