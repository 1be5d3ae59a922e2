-- The tombstone table of one replicated table and the indexes on dv_seq (docs/bookkeeping.md,
-- "SQLite"). Every statement is safe to run again. The table's index on dv_seq is built in the
-- install transaction (SQLite has no concurrent index build; its one writer waits anyway).
--
-- Parameters:
--   ${table}               the replicated table, quoted
--   ${tomb}                the tombstone table, quoted
--   ${key_definitions}     the primary-key columns with their declared types: "id" INTEGER, ...
--   ${key_columns}         the primary-key columns: "id", ...
--   ${seq_index}           name of the table's index on dv_seq, quoted
--   ${tomb_seq_index}      name of the tombstone table's index on dv_seq, quoted
CREATE TABLE IF NOT EXISTS ${tomb} (
    ${key_definitions},
    dv_version INTEGER,
    dv_origin VARCHAR(36),
    dv_site VARCHAR(64),
    dv_changed_at TEXT,
    dv_seq INTEGER,
    dv_from VARCHAR(64),
    PRIMARY KEY (${key_columns})
);
CREATE INDEX IF NOT EXISTS ${tomb_seq_index} ON ${tomb} (dv_seq);
CREATE INDEX IF NOT EXISTS ${seq_index} ON ${table} (dv_seq);
