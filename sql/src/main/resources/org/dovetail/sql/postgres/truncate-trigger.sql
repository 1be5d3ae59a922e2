-- Refuses TRUNCATE of one replicated table, BEFORE anything is removed
-- (docs/bookkeeping.md, "TRUNCATE"). TRUNCATE fires no row triggers, so truncated rows
-- would leave no tombstones and the other sites would keep them for ever; a DELETE of the
-- same rows reaches them. Applying mode does not matter: the sync never truncates. The
-- table's owner can still DISABLE TRIGGER for a deliberate local-only TRUNCATE, and
-- uninstall drops this trigger first.
--
-- Parameters:
--   ${function}            this function, schema-qualified
--   ${truncate_refusal}    the error message, as an SQL string literal
CREATE OR REPLACE FUNCTION ${function}() RETURNS trigger
LANGUAGE plpgsql AS $dv$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'feature_not_supported', MESSAGE = ${truncate_refusal};
END
$dv$;
