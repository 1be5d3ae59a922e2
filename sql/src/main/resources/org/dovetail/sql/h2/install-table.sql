-- Installs Dovetail's bookkeeping on one H2 table, or re-installs it: every statement is a
-- no-op when its object exists, and the triggers are re-created so that they read the
-- table's columns again (a column added since the last install). Runs in one transaction.
--
-- The bookkeeping columns are INVISIBLE: SELECT * and an INSERT without a column list see
-- the table as it was before install. H2 has no transaction ids to record (no DV_TXID):
-- in-flight transactions register their first change number instead (DOVETAIL.SAFE_SEQ).
-- The triggers are Java classes of the sql module (org.dovetail.sql.h2), which must be on
-- the database's class path; they read this site's name from DOVETAIL.SITE.
--
-- H2 fires no trigger on TRUNCATE, but refuses it on a table that a foreign key references:
-- the table's key referencing itself holds for every row and needs no index of its own.
--
-- Parameters:
--   ${table}            the replicated table, schema-qualified
--   ${tomb}             its tombstone table, schema-qualified
--   ${key_definitions}  the key columns with their types, NOT NULL, comma-separated
--   ${key_columns}      the key columns, comma-separated
--   ${seq_index}        the table's index on DV_SEQ, schema-qualified
--   ${tomb_seq_index}   the tombstone table's index on DV_SEQ, schema-qualified
--   ${tomb_key}         the tombstone table's primary key constraint
--   ${no_truncate}      the key's foreign key to itself, schema-qualified
--   ${row_trigger}      the row trigger, schema-qualified
--   ${keys_trigger}     the statement trigger after UPDATE, schema-qualified
--   ${row_class}        the row trigger's class, as an SQL string literal
--   ${keys_class}       the statement trigger's class, as an SQL string literal
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "DV_VERSION" BIGINT INVISIBLE;
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "DV_ORIGIN" VARCHAR(36) INVISIBLE;
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "DV_SITE" VARCHAR(64) INVISIBLE;
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "DV_CHANGED_AT" TIMESTAMP WITH TIME ZONE INVISIBLE;
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "DV_SEQ" BIGINT INVISIBLE;
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "DV_FROM" VARCHAR(64) INVISIBLE;
CREATE INDEX IF NOT EXISTS ${seq_index} ON ${table} ("DV_SEQ");
CREATE TABLE IF NOT EXISTS ${tomb} (
    ${key_definitions},
    "DV_VERSION" BIGINT,
    "DV_ORIGIN" VARCHAR(36),
    "DV_SITE" VARCHAR(64),
    "DV_CHANGED_AT" TIMESTAMP WITH TIME ZONE,
    "DV_SEQ" BIGINT,
    "DV_FROM" VARCHAR(64),
    CONSTRAINT ${tomb_key} PRIMARY KEY (${key_columns})
);
CREATE INDEX IF NOT EXISTS ${tomb_seq_index} ON ${tomb} ("DV_SEQ");
ALTER TABLE ${table} ADD CONSTRAINT IF NOT EXISTS ${no_truncate}
    FOREIGN KEY (${key_columns}) REFERENCES ${table} (${key_columns});
DROP TRIGGER IF EXISTS ${row_trigger};
DROP TRIGGER IF EXISTS ${keys_trigger};
CREATE TRIGGER ${row_trigger} BEFORE INSERT, UPDATE, DELETE ON ${table} FOR EACH ROW CALL ${row_class};
CREATE TRIGGER ${keys_trigger} AFTER UPDATE ON ${table} FOR EACH STATEMENT CALL ${keys_class};
