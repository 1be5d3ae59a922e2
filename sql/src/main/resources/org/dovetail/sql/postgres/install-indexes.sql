-- The indexes on the replicated table's dv_seq and dv_txid (docs/bookkeeping.md), built
-- CONCURRENTLY so that the application keeps writing meanwhile: each statement on its own,
-- outside a transaction. An interrupted build leaves the index INVALID (pg_index.indisvalid);
-- the installer drops such an index (DROP INDEX CONCURRENTLY) and builds it again.
--
-- Parameters:
--   ${table}               the replicated table, schema-qualified
--   ${seq_index}           name of the table's index on dv_seq
--   ${txid_index}          name of the table's index on dv_txid
CREATE INDEX CONCURRENTLY IF NOT EXISTS ${seq_index} ON ${table} (dv_seq);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ${txid_index} ON ${table} (dv_txid);
