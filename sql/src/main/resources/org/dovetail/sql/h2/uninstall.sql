-- Removes everything install-table.sql added to one H2 table, leaving its columns,
-- constraints, other triggers and data as before the install. Safe to run twice.
-- The columns go in one statement, so that H2 copies the table once.
--
-- Parameters:
--   ${table}          the replicated table, schema-qualified
--   ${tomb}           its tombstone table, schema-qualified
--   ${seq_index}      the table's index on DV_SEQ, schema-qualified
--   ${no_truncate}    the key's foreign key to itself, schema-qualified
--   ${row_trigger}    the row trigger, schema-qualified
--   ${keys_trigger}   the statement trigger after UPDATE, schema-qualified
DROP TRIGGER IF EXISTS ${row_trigger};
DROP TRIGGER IF EXISTS ${keys_trigger};
ALTER TABLE IF EXISTS ${table} DROP CONSTRAINT IF EXISTS ${no_truncate};
DROP INDEX IF EXISTS ${seq_index};
ALTER TABLE IF EXISTS ${table}
    DROP COLUMN IF EXISTS "DV_VERSION", "DV_ORIGIN", "DV_SITE", "DV_CHANGED_AT", "DV_SEQ", "DV_FROM", "DV_COLS";
DROP TABLE IF EXISTS ${tomb};
