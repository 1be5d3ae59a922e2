#!/usr/bin/env bash
# Measures Dovetail PostgreSQL -> PostgreSQL against plain psql baselines, each figure side by side
# with its baseline in the same run, on a throwaway PostgreSQL 15 cluster of its own (started under
# the 'postgres' account when run as root). Every figure is the median of RUNS repetitions.
#
# Usage: bench/sync-bench.sh [ROWS] [CHANGED] [RUNS]      (defaults: 1000000 100000 3)
# Dovetail runs through ./dovetail (as users run it) with -Xmx256m (DOVETAIL_BENCH_HEAP).
# DOVETAIL_BENCH_ROWS=narrow (default) or wide: the row shape (bench/rows.sh); wide is the one of
# issue 14's independent measurement.
set -euo pipefail
ROWS=${1:-1000000}
CHANGED=${2:-100000}
RUNS=${3:-3}
SMALL=$((ROWS / 10))
HEAP=${DOVETAIL_BENCH_HEAP:-256m}
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh" sync-bench
"$here/dovetail" --version >/dev/null   # builds the jar when needed (run 1's first sync records the class archive)
trap cluster_stop EXIT
cluster_start
PSQL="$bin/psql -X -q -h 127.0.0.1 -p $port -U postgres"
source "$here/bench/rows.sh"
fresh() { psql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null; psql -d "$1" -c "$ddl"; }
site() { printf '  %s:\n    url: jdbc:postgresql://127.0.0.1:%s/%s\n    user: postgres\n' "$1" "$port" "$2"; }
{ echo "sites:"; site a bench_a; site b bench_b; site sa small_a; site sb small_b; echo "tables: [items]"; } > "$work/dovetail.yml"
dv() { DOVETAIL_JAVA_OPTS="-Xmx$HEAP" "$here/dovetail" --config "$work/dovetail.yml" "$@"; }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
pipe() { bash -c "$PSQL -d $1 -c \"$2\" | $PSQL -d $3 $4"; }
# "col = src.col, ..." for every column of TABLE in DB but id
setlist() { psql -d "$1" -At -c "SELECT string_agg(format('%I = $3.%I', column_name, column_name), ', ' ORDER BY ordinal_position)
  FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$2' AND column_name <> 'id'"; }
# the SQL digest of both sites' tables, computed at the same time (as dovetail verify reads both at once)
digest() { local q="SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM items t"
  psql -d bench_a -At -c "$q" >/dev/null & psql -d bench_b -At -c "$q" >/dev/null; wait; }
declare -A T
add() { T[$1]="${T[$1]:-} $2"; }
median() { tr ' ' '\n' <<<"${T[$1]}" | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

fresh bench_a; load bench_a "$ROWS"; fresh small_a; load small_a "$SMALL"; fresh copy_a; load copy_a "$ROWS"
uset=$(setlist copy_a items EXCLUDED)
for r in $(seq 1 "$RUNS"); do
  echo "run $r of $RUNS ..." >&2
  # 1. initial copy to an empty site, against \copy out | \copy in of the same rows
  [ "$r" = 1 ] && add install "$(secs dv install a)"
  fresh bench_b; dv install b >/dev/null; fresh copy_b
  psql -d bench_a -c "DELETE FROM dovetail.peer_mark; DELETE FROM dovetail.sent_mark" 2>/dev/null || true
  psql -d postgres -c CHECKPOINT
  add copy "$(secs pipe copy_a '\copy items TO STDOUT' copy_b "-c '\\copy items FROM STDIN'")"
  psql -d postgres -c CHECKPOINT
  add initial "$(secs dv sync a b)"
  # the floor: the same rows with their bookkeeping columns, \copy'd into a table with the same indexes, no trigger
  psql -d copy_b -c "CREATE TABLE floor AS SELECT * FROM items WITH NO DATA; ALTER TABLE floor ADD PRIMARY KEY (id);
    ALTER TABLE floor ADD dv_version bigint, ADD dv_origin varchar(36), ADD dv_site varchar(64), ADD dv_changed_at timestamptz,
    ADD dv_seq bigint, ADD dv_from varchar(64), ADD dv_txid bigint; CREATE INDEX ON floor (dv_seq); CREATE INDEX ON floor (dv_txid)"
  psql -d postgres -c CHECKPOINT
  add floor "$(secs pipe bench_a '\copy items TO STDOUT' copy_b "-c '\\copy floor FROM STDIN'")"
  # the same initial copy through java -jar dovetail.jar (no class archive)
  fresh bench_b; dv install b >/dev/null
  psql -d bench_a -c "DELETE FROM dovetail.peer_mark; DELETE FROM dovetail.sent_mark" 2>/dev/null || true
  psql -d postgres -c CHECKPOINT
  add initial_plain "$(secs java -Xmx$HEAP -jar "$here/sync-cli/target/dovetail.jar" --config "$work/dovetail.yml" sync a b)"
  # 2. CHANGED rows changed at a plus CHANGED/10 at b, against COPY into a temp table + INSERT ON CONFLICT
  psql -d bench_a -c "UPDATE items SET price = price + 1 WHERE id <= $CHANGED"
  psql -d bench_b -c "UPDATE items SET note = 'b side $r' WHERE id > $ROWS - $((CHANGED / 10))"
  psql -d copy_a -c "UPDATE items SET price = price + 1 WHERE id <= $CHANGED"
  psql -d postgres -c CHECKPOINT
  add upsert "$(secs pipe copy_a "\\copy (SELECT * FROM items WHERE id <= $CHANGED) TO STDOUT" copy_b \
    "-c 'CREATE TEMP TABLE t (LIKE items)' -c '\\copy t FROM STDIN' -c 'INSERT INTO items SELECT * FROM t ON CONFLICT (id) DO UPDATE SET $uset'")"
  psql -d postgres -c CHECKPOINT
  add incremental "$(secs dv sync a b)"
  # the incremental floor: the same changed rows with their dv_ columns (CHANGED from a, CHANGED/10
  # from b) COPY'd into a temp table + one UPDATE ... FROM setting every user and dv_ column of
  # 'floor' (the same indexes incl. dv_seq and dv_txid, so no update is HOT), one pipe per side
  psql -d copy_b -c "VACUUM ANALYZE floor"
  psql -d postgres -c CHECKPOINT
  fset=$(setlist copy_b floor tmp)
  add incr_floor "$( { secs pipe bench_a "\\copy (SELECT * FROM items WHERE id <= $CHANGED) TO STDOUT" copy_b \
      "-c 'CREATE TEMP TABLE tmp (LIKE floor)' -c '\\copy tmp FROM STDIN' -c 'UPDATE floor SET $fset FROM tmp WHERE floor.id = tmp.id'"
    secs pipe bench_b "\\copy (SELECT * FROM items WHERE id > $ROWS - $((CHANGED / 10))) TO STDOUT" copy_b \
      "-c 'CREATE TEMP TABLE tmp (LIKE floor)' -c '\\copy tmp FROM STDIN' -c 'UPDATE floor SET $fset FROM tmp WHERE floor.id = tmp.id'"
    } | paste -sd+ | bc)"
  psql -d copy_b -c "DROP TABLE floor"
  # 3. nothing changed, at ROWS and at ROWS/10 rows: the first sync after the changes still reads
  # (index scan) the rows the last sync brought in at each side; a steady one reads nothing
  add none_after "$(secs dv sync a b)"
  add none "$(secs dv sync a b)"
  add none_plain "$(secs java -Xmx$HEAP -jar "$here/sync-cli/target/dovetail.jar" --config "$work/dovetail.yml" sync a b)"
  if [ "$r" = 1 ]; then fresh small_b; dv install sa >/dev/null; dv install sb >/dev/null; dv sync sa sb >/dev/null; fi
  add none_small "$(secs dv sync sa sb)"
  add jvm "$(secs dv --version)"
  add jvm_plain "$(secs java -Xmx$HEAP -jar "$here/sync-cli/target/dovetail.jar" --version)"
  # 7. verify of two identical tables
  add verify "$(secs dv verify a b)"
  add digest "$(secs digest)"
done

rate() { echo "scale=0; $1 / $2" | bc; }
row() { printf '%-62s %9.2f %11s\n' "$1" "$2" "${3:-}"; }
printf '%-62s %9s %11s\n' "PostgreSQL -> PostgreSQL, $ROWS $SHAPE rows, heap $HEAP, median of $RUNS" "seconds" "rows/s"
row "install a (backfill of $ROWS rows; first run only)" "$(median install)" "$(rate $ROWS "$(median install)")"
row "baseline: psql \\copy out | \\copy in" "$(median copy)" "$(rate $ROWS "$(median copy)")"
row "dovetail sync, initial copy" "$(median initial)" "$(rate $ROWS "$(median initial)")"
row "the same through java -jar dovetail.jar (no class archive)" "$(median initial_plain)" "$(rate $ROWS "$(median initial_plain)")"
row "reference: \\copy incl. dv_ columns into same indexes, no trigger" "$(median floor)" "$(rate $ROWS "$(median floor)")"
row "baseline: COPY to temp + INSERT ON CONFLICT, $CHANGED rows" "$(median upsert)" "$(rate $CHANGED "$(median upsert)")"
row "dovetail sync, $CHANGED + $((CHANGED / 10)) changed" "$(median incremental)" "$(rate $((CHANGED + CHANGED / 10)) "$(median incremental)")"
row "floor: COPY to temp + UPDATE ... FROM (user + dv_ columns), both" "$(median incr_floor)" "$(rate $((CHANGED + CHANGED / 10)) "$(median incr_floor)")"
row "dovetail sync, nothing changed since the last ($ROWS rows)" "$(median none)"
row "the same through java -jar dovetail.jar (no class archive)" "$(median none_plain)"
row "dovetail sync, nothing changed, first after the changes" "$(median none_after)"
row "dovetail sync, nothing changed since the last ($SMALL rows)" "$(median none_small)"
row "JVM start: ./dovetail --version (class archive)" "$(median jvm)"
row "JVM start: java -jar dovetail.jar --version" "$(median jvm_plain)"
row "dovetail verify a b (identical tables)" "$(median verify)"
row "baseline: SELECT md5(string_agg(t::text, '' ORDER BY id)), both" "$(median digest)"
ratio() { printf '  %-60s %9.2f\n' "$1" "$(echo "scale=4; $2 / $3" | bc)"; }
echo "ratios ($SHAPE rows):"
ratio "initial copy / \\copy pipe" "$(median initial)" "$(median copy)"
ratio "initial copy / its floor" "$(median initial)" "$(median floor)"
ratio "initial copy, java -jar / ./dovetail" "$(median initial_plain)" "$(median initial)"
ratio "incremental / its floor (target 1.5)" "$(median incremental)" "$(median incr_floor)"
ratio "verify / SQL digest of both (target 2)" "$(median verify)" "$(median digest)"
