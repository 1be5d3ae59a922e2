-- Drops the bookkeeping columns of one table, one statement each (SQLite 3.35 or newer);
-- uninstall leaves out the statements of columns the table no longer has. Runs after
-- uninstall.sql removed the triggers and the index that use them. An install without column
-- tracking runs the dv_cols statement alone, after install-triggers.sql replaced the triggers
-- that kept it.
--
-- Parameters:
--   ${table}               the replicated table, quoted
ALTER TABLE ${table} DROP COLUMN dv_version;
ALTER TABLE ${table} DROP COLUMN dv_origin;
ALTER TABLE ${table} DROP COLUMN dv_site;
ALTER TABLE ${table} DROP COLUMN dv_changed_at;
ALTER TABLE ${table} DROP COLUMN dv_seq;
ALTER TABLE ${table} DROP COLUMN dv_from;
ALTER TABLE ${table} DROP COLUMN dv_cols;
