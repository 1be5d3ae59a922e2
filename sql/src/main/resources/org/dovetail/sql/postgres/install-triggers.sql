-- The triggers of one replicated table: one BEFORE row trigger for INSERT and UPDATE,
-- one AFTER row trigger for DELETE. Dropped and created again, so that a re-install
-- (after an upgrade) leaves exactly one of each; run in one transaction, no write
-- slips through between the two. The functions are SECURITY DEFINER: nobody but their
-- owner may attach them to a table of their own (which would let them write tombstones),
-- so EXECUTE is revoked from PUBLIC; a trigger fires without that privilege. The WHEN
-- clause is resolved once, here, but is qualified all the same.
--
-- Parameters:
--   ${table}               the replicated table, schema-qualified
--   ${row_trigger}         name of the INSERT/UPDATE trigger
--   ${row_function}        its function, schema-qualified (row-trigger.sql)
--   ${delete_trigger}      name of the DELETE trigger
--   ${delete_function}     its function, schema-qualified (delete-trigger.sql)
REVOKE EXECUTE ON FUNCTION ${row_function}() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ${delete_function}() FROM PUBLIC;
DROP TRIGGER IF EXISTS ${row_trigger} ON ${table};
CREATE TRIGGER ${row_trigger} BEFORE INSERT OR UPDATE ON ${table}
    FOR EACH ROW EXECUTE FUNCTION ${row_function}();
DROP TRIGGER IF EXISTS ${delete_trigger} ON ${table};
CREATE TRIGGER ${delete_trigger} AFTER DELETE ON ${table}
    FOR EACH ROW WHEN (NOT coalesce(pg_catalog.current_setting('dovetail.applying', true) OPERATOR(pg_catalog.=) 'on', false))
    EXECUTE FUNCTION ${delete_function}();
