-- The triggers of one replicated table: one BEFORE row trigger for INSERT and UPDATE,
-- one AFTER row trigger for DELETE, one BEFORE statement trigger that refuses TRUNCATE
-- (truncate-trigger.sql). Dropped and created again, so that a re-install
-- (after an upgrade) leaves exactly one of each; run in one transaction, no write
-- slips through between the two. The functions are SECURITY DEFINER: nobody but their
-- owner may attach them to a table of their own (which would let them write tombstones),
-- so EXECUTE is revoked from PUBLIC; a trigger fires without that privilege.
--
-- Parameters:
--   ${table}               the replicated table, schema-qualified
--   ${row_trigger}         name of the INSERT/UPDATE trigger
--   ${row_function}        its function, schema-qualified (row-trigger.sql)
--   ${delete_trigger}      name of the DELETE trigger
--   ${delete_function}     its function, schema-qualified (delete-trigger.sql)
--   ${truncate_trigger}    name of the TRUNCATE trigger
--   ${truncate_function}   its function, schema-qualified (truncate-trigger.sql)
REVOKE EXECUTE ON FUNCTION ${row_function}() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ${delete_function}() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ${truncate_function}() FROM PUBLIC;
DROP TRIGGER IF EXISTS ${row_trigger} ON ${table};
CREATE TRIGGER ${row_trigger} BEFORE INSERT OR UPDATE ON ${table}
    FOR EACH ROW EXECUTE FUNCTION ${row_function}();
DROP TRIGGER IF EXISTS ${delete_trigger} ON ${table};
CREATE TRIGGER ${delete_trigger} AFTER DELETE ON ${table}
    FOR EACH ROW EXECUTE FUNCTION ${delete_function}();
DROP TRIGGER IF EXISTS ${truncate_trigger} ON ${table};
CREATE TRIGGER ${truncate_trigger} BEFORE TRUNCATE ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION ${truncate_function}();
