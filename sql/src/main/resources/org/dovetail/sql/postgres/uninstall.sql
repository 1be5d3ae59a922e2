-- Removes everything install-table.sql and install-triggers.sql added to one table,
-- leaving its columns, constraints, other triggers and data as before the install.
-- Safe to run twice.
--
-- Parameters:
--   ${table}               the replicated table, schema-qualified
--   ${row_trigger}         name of the INSERT/UPDATE trigger
--   ${row_function}        its function, schema-qualified
--   ${delete_trigger}      name of the DELETE trigger
--   ${delete_function}     its function, schema-qualified
--   ${truncate_trigger}    name of the TRUNCATE trigger
--   ${truncate_function}   its function, schema-qualified
--   ${tomb}                the tombstone table, schema-qualified (its indexes go with it)
--   ${seq_index}           the table's index on dv_seq, schema-qualified
--   ${txid_index}          the table's index on dv_txid, schema-qualified
DROP TRIGGER IF EXISTS ${row_trigger} ON ${table};
DROP TRIGGER IF EXISTS ${delete_trigger} ON ${table};
DROP TRIGGER IF EXISTS ${truncate_trigger} ON ${table};
DROP FUNCTION IF EXISTS ${row_function}();
DROP FUNCTION IF EXISTS ${delete_function}();
DROP FUNCTION IF EXISTS ${truncate_function}();
DROP TABLE IF EXISTS ${tomb};
DROP INDEX IF EXISTS ${seq_index};
DROP INDEX IF EXISTS ${txid_index};
ALTER TABLE IF EXISTS ${table}
    DROP COLUMN IF EXISTS dv_version,
    DROP COLUMN IF EXISTS dv_origin,
    DROP COLUMN IF EXISTS dv_site,
    DROP COLUMN IF EXISTS dv_changed_at,
    DROP COLUMN IF EXISTS dv_seq,
    DROP COLUMN IF EXISTS dv_from,
    DROP COLUMN IF EXISTS dv_txid,
    DROP COLUMN IF EXISTS dv_cols;
