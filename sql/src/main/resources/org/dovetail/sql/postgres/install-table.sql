-- Bookkeeping columns and the tombstone table of one replicated table (docs/bookkeeping.md).
-- Every statement is safe to run again on an installed table. The columns are nullable
-- without a default, so adding them only changes the catalog: the install transaction holds
-- the table's lock for a moment. The indexes on the table's dv_seq and dv_txid are built
-- after the backfill (install-indexes.sql).
--
-- Parameters:
--   ${table}               the replicated table, schema-qualified
--   ${tomb}                the tombstone table, schema-qualified
--   ${key_definitions}     the primary-key columns with their types: "id" integer, ...
--   ${key_columns}         the primary-key columns: "id", ...
--   ${tomb_seq_index}      name of the tombstone table's index on dv_seq
--   ${tomb_txid_index}     name of the tombstone table's index on dv_txid
--   ${cols_column}         dv_cols: added for a table under merge: columns, else dropped if
--                          there (column-changes.sql)
ALTER TABLE ${table}
    ADD COLUMN IF NOT EXISTS dv_version bigint,
    ADD COLUMN IF NOT EXISTS dv_origin varchar(36),
    ADD COLUMN IF NOT EXISTS dv_site varchar(64),
    ADD COLUMN IF NOT EXISTS dv_changed_at timestamptz,
    ADD COLUMN IF NOT EXISTS dv_seq bigint,
    ADD COLUMN IF NOT EXISTS dv_from varchar(64),
    ADD COLUMN IF NOT EXISTS dv_txid bigint,
    ${cols_column};
CREATE TABLE IF NOT EXISTS ${tomb} (
    ${key_definitions},
    dv_version bigint,
    dv_origin varchar(36),
    dv_site varchar(64),
    dv_changed_at timestamptz,
    dv_seq bigint,
    dv_from varchar(64),
    dv_txid bigint,
    PRIMARY KEY (${key_columns})
);
CREATE INDEX IF NOT EXISTS ${tomb_seq_index} ON ${tomb} (dv_seq);
CREATE INDEX IF NOT EXISTS ${tomb_txid_index} ON ${tomb} (dv_txid);
