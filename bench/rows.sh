# Sourced by sync-bench.sh and wire-bench.sh (after cluster.sh): the table `items` the benches load,
# in the shape DOVETAIL_BENCH_ROWS names. Gives $SHAPE, $ddl, $usercols and load DB ROWS.
# narrow (default): id bigint, name text, price numeric(12,2), note varchar(200) of 40 characters,
# updated timestamptz. wide: the row shape of issue 14's independent measurement: id bigint, name
# text with a 4-byte character (U+1F41F) in every fourth row, qty int, price numeric(12,2),
# updated timestamptz, note of 32 characters.
SHAPE=${DOVETAIL_BENCH_ROWS:-narrow}
case "$SHAPE" in
  narrow)
    ddl="CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2), note varchar(200), updated timestamptz)"
    usercols="id, name, price, note, updated"
    load() { psql -d "$1" -c "INSERT INTO items SELECT g, 'item ' || g, (g % 10000) / 100.0, repeat('x', 40), now() FROM generate_series(1, $2) g"; } ;;
  wide)
    ddl="CREATE TABLE items (id bigint PRIMARY KEY, name text, qty int, price numeric(12,2), updated timestamptz, note varchar(32))"
    usercols="id, name, qty, price, updated, note"
    load() { psql -d "$1" -c "INSERT INTO items SELECT g, 'item ' || g || CASE WHEN g % 4 = 0 THEN U&' \+01F41F' ELSE '' END,
      g % 1000, (g % 10000) / 100.0, now() - g * interval '1 second', md5(g::text) FROM generate_series(1, $2) g"; } ;;
  *) echo "DOVETAIL_BENCH_ROWS must be narrow or wide, not $SHAPE" >&2; exit 2 ;;
esac
