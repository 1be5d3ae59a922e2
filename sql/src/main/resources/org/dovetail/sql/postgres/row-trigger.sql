-- Bookkeeping of INSERT and UPDATE on one replicated table, run BEFORE each row is
-- written (docs/bookkeeping.md, "Trigger behaviour"). Generated per table with every
-- column spelled out, so there is no dynamic SQL and PL/pgSQL caches all plans.
-- SECURITY DEFINER: applications that may write the table need no rights on the
-- tombstone table or on dovetail.change_seq. There is no SET search_path (saving and
-- restoring it on every call would cost more than the rest of the function), so the body
-- runs under the caller's search_path and must not depend on it: every function, operator,
-- type and collation is pg_catalog's, named so; tables and the sequence are schema-qualified;
-- IS [NOT] DISTINCT FROM (which finds "=" on the search_path) is not used.
-- Most calls are the only one in their transaction, and PL/pgSQL prepares each expression
-- anew in every transaction, so the body keeps to few and small expressions.
-- SET enable_seqscan = off: the key probes (live row, tombstone) are planned once per
-- session and kept; planned while the table is nearly empty, they would scan it on every
-- later INSERT of that session (a bulk load in one transaction grew quadratic). Saving and
-- restoring this plain setting costs little, unlike search_path.
--
-- Parameters:
--   ${function}            this function, schema-qualified
--   ${tomb}                the tombstone table, schema-qualified
--   ${site}                this site's name, as an SQL string literal
--   ${table}               the replicated table, schema-qualified
--   ${same_key}            NEW."k" OPERATOR(pg_catalog.=) OLD."k" AND ... (the table's key
--                          equality; OLD's key is never NULL)
--   ${new_values}          every user column of NEW install knows, generated ones left out:
--                          NEW."c", ...
--   ${old_values}          the same of OLD
--   ${keep_generated}      NEW."g" := OLD."g"; for each STORED generated column known at
--                          install (none: empty)
--   ${key_columns}         the primary-key columns: "k", ...
--   ${old_key}             OLD."k", ...
--   ${live_has_new_key}    live."k" OPERATOR(pg_catalog.=) NEW."k" AND ... (the table's equality)
--   ${tomb_has_new_key}    tomb."k" OPERATOR(pg_catalog.=) NEW."k" AND ...
--   ${old_cols_variable}, ${old_entry_variable}, ${cols_applied}, ${cols_kept},
--   ${cols_changed}, ${cols_inserted}
--                          the statements that keep dv_cols of a table under merge: columns
--                          (column-changes.sql), each on a line of its own; empty for any
--                          other table, whose function is then exactly the one without them
CREATE OR REPLACE FUNCTION ${function}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET enable_seqscan = off AS $dv$
DECLARE
    -- Named dv_*, a prefix no user column may have, so no name here is ambiguous.
    dv_tomb_version pg_catalog.int8;
    dv_tomb_origin pg_catalog.varchar(36);${old_cols_variable}${old_entry_variable}
BEGIN
    -- Applying mode: a row received from a peer keeps the bookkeeping it came with, and
    -- the sync deals with tombstones itself. Only dovetail.set_applying(true), which nobody
    -- but the installing role may run, puts the site's secret token into the setting
    -- (site-functions.sql); dovetail.applying_token() is IMMUTABLE, so PL/pgSQL folds it into
    -- this expression's cached plan once per session, not once per row. (The setting is
    -- NULL in a session that never set it: that is not applying.)
    IF pg_catalog.current_setting('dovetail.applying', true) OPERATOR(pg_catalog.=) dovetail.applying_token() THEN
        NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
        NEW.dv_txid := pg_catalog.txid_current();${cols_applied}
        RETURN NEW;
    END IF;
    IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' THEN
        IF ${same_key} THEN
            -- The same stored values, byte for byte (NULL as NULL): text under any collation,
            -- numeric with its scale, json as written, -0.0 apart from 0.0. First the columns
            -- install knew (cheap: most UPDATEs change one of them and stop here) ...
            IF pg_catalog.record_image_eq(ROW(${new_values}), ROW(${old_values})) THEN
                -- ... then, when none of those changed, the whole rows, so that a column added
                -- after install counts too. What the statement did to the dv_ columns is undone
                -- first, and NEW's STORED generated columns (not computed yet in a BEFORE
                -- trigger; the database computes them after it) take OLD's values.
                NEW.dv_version := OLD.dv_version;
                NEW.dv_origin := OLD.dv_origin;
                NEW.dv_site := OLD.dv_site;
                NEW.dv_changed_at := OLD.dv_changed_at;
                NEW.dv_seq := OLD.dv_seq;
                NEW.dv_from := OLD.dv_from;
                NEW.dv_txid := OLD.dv_txid;${cols_kept}${keep_generated}
                IF pg_catalog.record_image_eq(NEW, OLD) THEN
                    RETURN NEW; -- not a change
                END IF;
            END IF;
            IF OLD.dv_version IS NOT NULL THEN
                NEW.dv_version := OLD.dv_version OPERATOR(pg_catalog.+) 1;
                NEW.dv_origin := OLD.dv_origin;
                NEW.dv_site := ${site};
                NEW.dv_changed_at := pg_catalog.now();
                NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
                NEW.dv_from := NULL;
                NEW.dv_txid := pg_catalog.txid_current();${cols_changed}
                RETURN NEW;
            END IF;
            -- A row from before install that is not backfilled yet: bookkept as an INSERT.
        ELSE
            -- A new primary key: the old key is deleted (a tombstone), the new one inserted.
            INSERT INTO ${tomb} AS tomb
                (${key_columns}, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from, dv_txid)
            VALUES (${old_key}, coalesce(OLD.dv_version, 0) OPERATOR(pg_catalog.+) 1,
                    coalesce(OLD.dv_origin, pg_catalog.gen_random_uuid()::pg_catalog.text),
                    ${site}, pg_catalog.now(), pg_catalog.nextval('dovetail.change_seq'), NULL,
                    pg_catalog.txid_current())
            ON CONFLICT (${key_columns}) DO UPDATE SET
                dv_version = excluded.dv_version, dv_origin = excluded.dv_origin, dv_site = excluded.dv_site,
                dv_changed_at = excluded.dv_changed_at, dv_seq = excluded.dv_seq, dv_from = excluded.dv_from,
                dv_txid = excluded.dv_txid;
        END IF;
    END IF;
    -- An INSERT, or an UPDATE bookkept as one. First wait for a transaction that is deleting
    -- the key (its tombstone is not visible yet): locking the live row waits for it to end,
    -- and then finds no row, while the next statement sees the committed tombstone. Without
    -- this, the insert would wait only later, on the primary key, and the key would end up
    -- both alive and dead. (Under REPEATABLE READ the lock fails with a serialization error
    -- instead.) For a new key this is one index probe that finds nothing.
    PERFORM FROM ${table} AS live WHERE ${live_has_new_key} FOR KEY SHARE;
    -- A dead key comes alive again: its tombstone goes, and its history (version, origin)
    -- continues. Most keys have no tombstone, and looking costs less than a DELETE that
    -- finds nothing.
    PERFORM FROM ${tomb} AS tomb WHERE ${tomb_has_new_key};
    IF FOUND THEN
        DELETE FROM ${tomb} AS tomb WHERE ${tomb_has_new_key}
        RETURNING tomb.dv_version, tomb.dv_origin INTO dv_tomb_version, dv_tomb_origin;
    END IF;
    -- Both NULL unless the DELETE returned a tombstone.
    NEW.dv_version := coalesce(dv_tomb_version, 0) OPERATOR(pg_catalog.+) 1;
    NEW.dv_origin := coalesce(dv_tomb_origin, pg_catalog.gen_random_uuid()::pg_catalog.text);
    NEW.dv_site := ${site};
    NEW.dv_changed_at := pg_catalog.now();
    NEW.dv_seq := pg_catalog.nextval('dovetail.change_seq');
    NEW.dv_from := NULL;
    NEW.dv_txid := pg_catalog.txid_current();${cols_inserted}
    RETURN NEW;
END
$dv$;
