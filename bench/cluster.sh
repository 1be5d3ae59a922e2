# Sourced by the bench scripts: a throwaway PostgreSQL 15 cluster of their own, started under
# the 'postgres' account when run as root (PostgreSQL refuses to run as root).
# Usage: source bench/cluster.sh NAME; cluster_start [-c setting=value ...]; ...; cluster_stop
# Gives: $here (the project), $bin (PostgreSQL binaries, DOVETAIL_PG_BIN), $work (scratch folder,
# kept when KEEP is set), $port, as_pg (runs a command as postgres when root) and psql.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin=${DOVETAIL_PG_BIN:-/usr/lib/postgresql/15/bin}
work=$(mktemp -d "/tmp/dovetail-${1:-bench}-XXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
cluster_start() {
    as_pg "$bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 >/dev/null
    as_pg "$bin/pg_ctl" -D "$work/data" -w -l "$work/log" -o "-p $port -k $work -c listen_addresses=127.0.0.1 \
        -c shared_buffers=512MB -c max_wal_size=4GB $*" start >/dev/null
}
cluster_stop() {
    as_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
