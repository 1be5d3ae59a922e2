-- The bookkeeping columns of one replicated table (docs/bookkeeping.md, "SQLite"), one
-- statement each: SQLite has no ADD COLUMN IF NOT EXISTS, so install leaves out the
-- statements of columns the table already has. Nullable without a default, so adding them
-- only changes the schema, never a row. dv_changed_at holds ISO-8601 text with an offset.
-- dv_cols (a JSON object as TEXT, docs/bookkeeping.md, "Column changes") only for a table
-- under merge: columns.
--
-- Parameters:
--   ${table}               the replicated table, quoted (SQLite keeps it in schema main)
ALTER TABLE ${table} ADD COLUMN dv_version INTEGER;
ALTER TABLE ${table} ADD COLUMN dv_origin VARCHAR(36);
ALTER TABLE ${table} ADD COLUMN dv_site VARCHAR(64);
ALTER TABLE ${table} ADD COLUMN dv_changed_at TEXT;
ALTER TABLE ${table} ADD COLUMN dv_seq INTEGER;
ALTER TABLE ${table} ADD COLUMN dv_from VARCHAR(64);
ALTER TABLE ${table} ADD COLUMN dv_cols TEXT;
