-- Removes the triggers, tombstone table and index that install added to one table, leaving
-- its columns, constraints, other triggers and data as before the install. Safe to run
-- twice. The bookkeeping columns are dropped by drop-columns.sql (only those that exist:
-- SQLite has no DROP COLUMN IF EXISTS), after these.
--
-- Parameters:
--   ${table}               the replicated table, quoted
--   ${insert_trigger}      the triggers of install-triggers.sql, quoted
--   ${update_trigger}
--   ${delete_trigger}
--   ${apply_insert_trigger}
--   ${apply_update_trigger}
--   ${tomb_insert_trigger}
--   ${tomb_update_trigger}
--   ${tomb}                the tombstone table, quoted (its index goes with it)
--   ${seq_index}           the table's index on dv_seq, quoted
DROP TRIGGER IF EXISTS ${insert_trigger};
DROP TRIGGER IF EXISTS ${update_trigger};
DROP TRIGGER IF EXISTS ${delete_trigger};
DROP TRIGGER IF EXISTS ${apply_insert_trigger};
DROP TRIGGER IF EXISTS ${apply_update_trigger};
DROP TRIGGER IF EXISTS ${tomb_insert_trigger};
DROP TRIGGER IF EXISTS ${tomb_update_trigger};
DROP TABLE IF EXISTS ${tomb};
DROP INDEX IF EXISTS ${seq_index};
