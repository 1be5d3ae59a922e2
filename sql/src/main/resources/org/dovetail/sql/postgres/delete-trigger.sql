-- Bookkeeping of DELETE on one replicated table, run AFTER each row is deleted by an
-- application: the key's tombstone, so the sync learns of the delete
-- (docs/bookkeeping.md, "Trigger behaviour"). Nothing in applying mode: the sync writes
-- the tombstone itself. (A WHEN clause cannot tell applying mode: it runs with the rights of
-- the deleting role, which may not run dovetail.applying_token(); see row-trigger.sql.)
-- SECURITY DEFINER without SET search_path, so written to be independent of the
-- caller's search_path, as row-trigger.sql.
--
-- Parameters:
--   ${function}            this function, schema-qualified
--   ${tomb}                the tombstone table, schema-qualified
--   ${site}                this site's name, as an SQL string literal
--   ${key_columns}         the primary-key columns: "k", ...
--   ${old_key}             OLD."k", ...
CREATE OR REPLACE FUNCTION ${function}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $dv$
BEGIN
    IF pg_catalog.current_setting('dovetail.applying', true) OPERATOR(pg_catalog.=) dovetail.applying_token() THEN
        RETURN NULL;
    END IF;
    INSERT INTO ${tomb} AS tomb
        (${key_columns}, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from, dv_txid)
    VALUES (${old_key}, coalesce(OLD.dv_version, 0) OPERATOR(pg_catalog.+) 1,
            coalesce(OLD.dv_origin, pg_catalog.gen_random_uuid()::pg_catalog.text),
            ${site}, pg_catalog.now(), pg_catalog.nextval('dovetail.change_seq'), NULL, pg_catalog.txid_current())
    ON CONFLICT (${key_columns}) DO UPDATE SET
        dv_version = excluded.dv_version, dv_origin = excluded.dv_origin, dv_site = excluded.dv_site,
        dv_changed_at = excluded.dv_changed_at, dv_seq = excluded.dv_seq, dv_from = excluded.dv_from,
        dv_txid = excluded.dv_txid;
    RETURN NULL;
END
$dv$;
