-- Bookkeeping of INSERT and UPDATE on one replicated table, run BEFORE each row is
-- written (docs/bookkeeping.md, "Trigger behaviour"). Generated per table with every
-- column spelled out, so there is no dynamic SQL and PL/pgSQL caches all plans.
-- SECURITY DEFINER: applications that may write the table need no rights on the
-- tombstone table or on dovetail.change_seq; hence the fixed search_path.
--
-- Parameters:
--   ${function}            this function, schema-qualified
--   ${tomb}                the tombstone table, schema-qualified
--   ${site}                this site's name, as an SQL string literal
--   ${same_key}            NEW."k" IS NOT DISTINCT FROM OLD."k" AND ... (key equality)
--   ${same_values}         the same over every user column, exactly (text as bytes,
--                          json as text, ...): true when the UPDATE changes nothing
--   ${key_columns}         the primary-key columns: "k", ...
--   ${old_key}             OLD."k", ...
--   ${tomb_has_new_key}    tomb."k" = NEW."k" AND ...
CREATE OR REPLACE FUNCTION ${function}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $dv$
DECLARE
    -- Named dv_*, a prefix no user column may have, so no name here is ambiguous.
    -- The setting is NULL in a session that never set it: that is not applying.
    dv_applying constant boolean := coalesce(current_setting('dovetail.applying', true) = 'on', false);
    dv_tomb_version bigint;
    dv_tomb_origin varchar(36);
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF ${same_key} THEN
            IF dv_applying THEN
                -- A row received from a peer keeps the bookkeeping it came with.
                NEW.dv_seq := nextval('dovetail.change_seq');
                NEW.dv_txid := txid_current();
                RETURN NEW;
            END IF;
            IF ${same_values} THEN
                -- Not a change, whatever the statement did to the dv_ columns.
                NEW.dv_version := OLD.dv_version;
                NEW.dv_origin := OLD.dv_origin;
                NEW.dv_site := OLD.dv_site;
                NEW.dv_changed_at := OLD.dv_changed_at;
                NEW.dv_seq := OLD.dv_seq;
                NEW.dv_from := OLD.dv_from;
                NEW.dv_txid := OLD.dv_txid;
                RETURN NEW;
            END IF;
            IF OLD.dv_version IS NOT NULL THEN
                NEW.dv_version := OLD.dv_version + 1;
                NEW.dv_origin := OLD.dv_origin;
                NEW.dv_site := ${site};
                NEW.dv_changed_at := now();
                NEW.dv_seq := nextval('dovetail.change_seq');
                NEW.dv_from := NULL;
                NEW.dv_txid := txid_current();
                RETURN NEW;
            END IF;
            -- A row from before install that is not backfilled yet: bookkept as an INSERT.
        ELSIF NOT dv_applying THEN
            -- A new primary key: the old key is deleted (a tombstone), the new one inserted.
            INSERT INTO ${tomb} AS tomb
                (${key_columns}, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from, dv_txid)
            VALUES (${old_key}, coalesce(OLD.dv_version, 0) + 1, coalesce(OLD.dv_origin, gen_random_uuid()::text),
                    ${site}, now(), nextval('dovetail.change_seq'), NULL, txid_current())
            ON CONFLICT (${key_columns}) DO UPDATE SET
                dv_version = excluded.dv_version, dv_origin = excluded.dv_origin, dv_site = excluded.dv_site,
                dv_changed_at = excluded.dv_changed_at, dv_seq = excluded.dv_seq, dv_from = excluded.dv_from,
                dv_txid = excluded.dv_txid;
        END IF;
    END IF;
    -- An INSERT, or an UPDATE bookkept as one. A dead key comes alive again: its
    -- tombstone goes, and its history (version, origin) continues.
    DELETE FROM ${tomb} AS tomb WHERE ${tomb_has_new_key}
    RETURNING tomb.dv_version, tomb.dv_origin INTO dv_tomb_version, dv_tomb_origin;
    IF NOT dv_applying THEN
        IF FOUND THEN
            NEW.dv_version := coalesce(dv_tomb_version, 0) + 1;
            NEW.dv_origin := coalesce(dv_tomb_origin, gen_random_uuid()::text);
        ELSE
            NEW.dv_version := 1;
            NEW.dv_origin := gen_random_uuid()::text;
        END IF;
        NEW.dv_site := ${site};
        NEW.dv_changed_at := now();
        NEW.dv_from := NULL;
    END IF;
    NEW.dv_seq := nextval('dovetail.change_seq');
    NEW.dv_txid := txid_current();
    RETURN NEW;
END
$dv$;
