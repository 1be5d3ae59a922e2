#!/usr/bin/env bash
# Bytes on the wire: a counting proxy (bench/countproxy.py) in front of each of two PostgreSQL
# sites (Dovetail's site URLs point at the proxies' ports) on a throwaway PostgreSQL 15 cluster of
# its own (started under the 'postgres' account when run as root, with log_statement=all).
# Counts the bytes each way on each link for (1) the initial copy of ROWS rows to an empty site
# and (2) `dovetail sync a b` after one-sided updates of CHANGED rows at a, against the size of
# the same rows in COPY text form (`\copy (SELECT user columns ...) TO STDOUT | wc -c`).
# Bytes are counted, not timed: the figures do not depend on the machine's load.
#
# Usage: bench/wire-bench.sh [ROWS] [CHANGED]      (defaults: 1000000 100000)
# DOVETAIL_BENCH_ROWS=narrow (default) or wide (bench/rows.sh); KEEP=1 keeps the work directory
# (the proxies' per-connection logs proxy-*.log and the server's statement log).
set -euo pipefail
ROWS=${1:-1000000}
CHANGED=${2:-100000}
HEAP=${DOVETAIL_BENCH_HEAP:-256m}
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh" wire-bench
"$here/dovetail" --version >/dev/null   # builds the jar when needed
proxies=()
cleanup() {
  for p in "${proxies[@]}"; do kill "$p" 2>/dev/null || true; done
  cluster_stop
}
trap cleanup EXIT
cluster_start -c log_statement=all -c log_line_prefix=%r/ -c log_connections=on -c log_min_messages=warning
source "$here/bench/rows.sh"
fresh() { psql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null; psql -d "$1" -c "$ddl"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
site() { printf '  %s:\n    url: jdbc:postgresql://127.0.0.1:%s/%s\n    user: postgres\n' "$1" "$2" "$3"; }
dv() { DOVETAIL_JAVA_OPTS="-Xmx$HEAP" "$here/dovetail" --config "$work/dovetail.yml" "$@"; }

fresh wire_a; load wire_a "$ROWS"; fresh wire_b
declare -A P
for s in a b; do
  P[$s]=$(free_port)
  python3 "$here/bench/countproxy.py" "${P[$s]}" "$port" "$work/proxy-$s.log" &
  proxies+=($!)
done
{ echo "sites:"; site a "${P[a]}" wire_a; site b "${P[b]}" wire_b; echo "tables: [items]"; } > "$work/dovetail.yml"
for s in a b; do  # the proxies listen once they have bound their port
  for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', ${P[$s]})).close()" 2>/dev/null && break; sleep 0.1; done
done
dv install a >/dev/null
dv install b >/dev/null

# the server log: pg_ctl -l writes stderr to $work/log; start a fresh one per phase by copying and truncating
phase_log() { cp "$work/log" "$work/statements.$1.log"; : > "$work/log"; }
# waits until every connection through the proxies has closed, then moves their logs aside as PHASE
settle() {
  for _ in $(seq 100); do
    local open closed
    open=$(cat "$work"/proxy-?.log 2>/dev/null | grep -c '^open' || true)
    closed=$(cat "$work"/proxy-?.log 2>/dev/null | grep -c '^close' || true)
    [ "$open" = "$closed" ] && break
    sleep 0.1
  done
  for s in a b; do
    if [ -f "$work/proxy-$s.log" ]; then mv "$work/proxy-$s.log" "$work/proxy-$s.$1.log"; else : > "$work/proxy-$s.$1.log"; fi
  done
  phase_log "$1"
}
settle install

copysize() { psql -d wire_a -c "\\copy (SELECT $usercols FROM items $1) TO STDOUT" | wc -c; }
# prints, for PHASE, each link's bytes up (Dovetail -> database) and down, its connections, and the
# bytes by message type (client: P Parse, B Bind, E Execute, d CopyData, Q Query, S Sync, ...;
# server: D DataRow, T RowDescription, C CommandComplete, 1/2 Parse/BindComplete, Z ReadyForQuery ...)
report() {
  local phase=$1 rows=$2 copy=$3
  python3 - "$phase" "$rows" "$copy" "$work/proxy-a.$phase.log" "$work/proxy-b.$phase.log" <<'PY'
import sys, collections
phase, rows, copy = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
total = 0
for site, path in zip("ab", sys.argv[4:6]):
    up = down = conns = 0
    kinds = collections.Counter()
    for line in open(path):
        f = line.split()
        if f[0] != "close":
            continue
        conns += 1
        for kv in f[3:]:
            k, v = kv.rsplit("=", 1)
            if k == "up": up += int(v)
            elif k == "down": down += int(v)
            else: kinds[k] += int(v)
    total += up + down
    big = ", ".join(f"{k} {v:,}" for k, v in kinds.most_common(6))
    print(f"  link {site}: {conns} connections, up {up:,} B, down {down:,} B = {(up + down) / rows:.1f} B per row, "
          f"{(up + down) / copy:.2f} x the COPY text  (largest: {big})")
print(f"  both links, both ways: {total:,} B = {total / rows:.1f} B per row; "
      f"COPY text of the rows' user columns: {copy:,} B = {copy / rows:.1f} B per row; ratio {total / copy:.2f}")
PY
}

echo "initial copy of $ROWS rows ..." >&2
dv sync a b >/dev/null
settle initial
copy_all=$(copysize "")
psql -d wire_a -c "UPDATE items SET price = price + 1 WHERE id <= $CHANGED"
phase_log update
echo "sync of $CHANGED rows updated at a ..." >&2
dv sync a b >/dev/null
settle incremental
copy_changed=$(copysize "WHERE id <= $CHANGED")

echo "Bytes on the wire, PostgreSQL -> PostgreSQL through counting proxies, $SHAPE rows"
echo "initial copy, $ROWS rows to an empty site:"
report initial "$ROWS" "$copy_all"
echo "dovetail sync a b, $CHANGED of $ROWS rows updated at a only:"
report incremental "$CHANGED" "$copy_changed"
echo "statements the server logged during the incremental sync, by kind (first 60 characters):"
sed -n 's/^[^/]*\/\(LOG\|DETAIL\): *//p' "$work/statements.incremental.log" | grep -v '^parameters:' \
  | sed -e 's/^execute [^:]*: *//' -e 's/^statement: *//' | cut -c1-60 | sort | uniq -c | sort -rn | head -25
