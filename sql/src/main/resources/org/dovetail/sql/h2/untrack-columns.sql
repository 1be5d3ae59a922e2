-- A table under merge: rows keeps no column changes: an entry nobody keeps any more could
-- later claim a column unchanged that was changed, so the column goes (a no-op without it).
--
-- Parameters:
--   ${table}   the replicated table, quoted and schema-qualified
ALTER TABLE ${table} DROP COLUMN IF EXISTS "DV_COLS";
