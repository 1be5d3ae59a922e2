-- Removes what install-table.sql added to one table, leaving the table and its rows as before
-- install: the triggers first (so no application write is bookkept half), the guard (so the
-- table can be truncated and dropped again), the tombstone table, then the columns (dv_cols too,
-- which only a table under merge: columns has) and index.
-- Every statement is safe to run again.
--
-- Parameters: as install-table.sql (${table}, ${tomb}, ${guard}, ${seq_index}, the triggers).
DROP TRIGGER IF EXISTS ${ins_trigger};
DROP TRIGGER IF EXISTS ${upd_trigger};
DROP TRIGGER IF EXISTS ${del_trigger};
DROP TABLE IF EXISTS ${guard};
DROP TABLE IF EXISTS ${tomb};
ALTER TABLE ${table}
    DROP INDEX IF EXISTS ${seq_index},
    DROP COLUMN IF EXISTS dv_version,
    DROP COLUMN IF EXISTS dv_origin,
    DROP COLUMN IF EXISTS dv_site,
    DROP COLUMN IF EXISTS dv_changed_at,
    DROP COLUMN IF EXISTS dv_seq,
    DROP COLUMN IF EXISTS dv_from,
    DROP COLUMN IF EXISTS dv_cols;
