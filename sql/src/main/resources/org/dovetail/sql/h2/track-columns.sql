-- A table under merge: columns keeps, per user column, when this site's copy last changed
-- (docs/bookkeeping.md, "Column changes"); ChangeTrigger keeps it when the column exists.
--
-- Parameters:
--   ${table}   the replicated table, quoted and schema-qualified
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "DV_COLS" CHARACTER VARYING INVISIBLE;
