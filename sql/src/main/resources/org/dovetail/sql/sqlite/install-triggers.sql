-- The triggers that keep one table's bookkeeping (docs/bookkeeping.md, "SQLite"). SQLite
-- triggers are SQL, and a BEFORE trigger cannot set NEW's values: these are AFTER triggers
-- that UPDATE the row they fired for (found by its key). Their bodies name tables without a
-- schema, as SQLite requires inside triggers (all of them are in main).
--
-- The change counter: "UPDATE dovetail_change_seq SET value = value + 1" and reading it back
-- in the same transaction. SQLite lets one transaction write at a time, so the numbers
-- commit in the order they were given.
--
-- Applying mode is a row in dovetail_applying, written by the sync inside its own write
-- transaction and deleted before it commits: no other connection can see it.
--
-- A trigger's own UPDATE of the row fires the other UPDATE trigger: each UPDATE trigger skips
-- an UPDATE that set dv_seq to the counter's current value, which only the triggers do
-- (the row's dv_seq changed, and to the number just given). SQLite's recursive_triggers is off
-- by default, so no trigger fires itself.
--
-- Column changes (a table under merge: columns, docs/bookkeeping.md): the same UPDATE that gives
-- the row its dv_seq also writes dv_cols, so the skip above covers it too. Without column
-- tracking the *_cols parameters are empty and the triggers are exactly those of before.
--
-- Parameters:
--   ${table}                 the replicated table, quoted
--   ${tomb}                  its tombstone table, quoted
--   ${insert_trigger}        trigger names, quoted
--   ${update_trigger}
--   ${delete_trigger}
--   ${apply_insert_trigger}
--   ${apply_update_trigger}
--   ${tomb_insert_trigger}
--   ${tomb_update_trigger}
--   ${key_columns}           the primary-key columns: "id", ...
--   ${old_keys}              OLD."id", ...
--   ${new_key_match}         "id" = NEW."id" AND ... (the row the trigger fired for, after the write)
--   ${tomb_new_key_match}    t."id" = NEW."id" AND ... (that key's tombstone, as t)
--   ${key_changed}           true when an UPDATE moved the row to another key (the table's own equality)
--   ${user_changed}          true when an UPDATE changed the stored value of a user column (its type or
--                            its bytes), or the table's columns are not the ones install saw
--   ${bookkeeping_changed}   true when an UPDATE set one of the dv_ columns to another value
--   ${new_origin}            an expression for a new random UUID as text
--   ${now}                   an expression for the current time as ISO-8601 text in UTC
--   ${clear_cols}            ", dv_cols = NULL" (an INSERT has no column entries), or empty
--   ${update_cols}           ", dv_cols = <the entries after an application's UPDATE>", or empty:
--                            NULL for a key move or a row not backfilled, else per column install
--                            knew (not generated ones) the new dv_seq when its value changed (the
--                            test of ${user_changed}, per column), else OLD's entry or, without one,
--                            OLD's row-level entry (dv_seq[@dv_from])
--   ${apply_cols}            the same for an UPDATE in applying mode, with "@" NEW.dv_from in the
--                            new entries when the sync wrote a peer's name there, or empty
--   ${keep_cols}             ", dv_cols = OLD.dv_cols", or empty

DROP TRIGGER IF EXISTS ${insert_trigger};
DROP TRIGGER IF EXISTS ${update_trigger};
DROP TRIGGER IF EXISTS ${delete_trigger};
DROP TRIGGER IF EXISTS ${apply_insert_trigger};
DROP TRIGGER IF EXISTS ${apply_update_trigger};
DROP TRIGGER IF EXISTS ${tomb_insert_trigger};
DROP TRIGGER IF EXISTS ${tomb_update_trigger};

-- INSERT by an application: a tombstone of the key continues its history (and goes).
CREATE TRIGGER ${insert_trigger} AFTER INSERT ON ${table}
WHEN NOT EXISTS (SELECT 1 FROM dovetail_applying)
BEGIN
    UPDATE dovetail_change_seq SET value = value + 1 WHERE id = 1;
    UPDATE ${table} SET
        dv_version = coalesce((SELECT t.dv_version + 1 FROM ${tomb} AS t WHERE ${tomb_new_key_match}), 1),
        dv_origin = coalesce((SELECT t.dv_origin FROM ${tomb} AS t WHERE ${tomb_new_key_match}), ${new_origin}),
        dv_site = (SELECT site_name FROM dovetail_site),
        dv_changed_at = ${now},
        dv_seq = (SELECT value FROM dovetail_change_seq WHERE id = 1),
        dv_from = NULL${clear_cols}
     WHERE ${new_key_match};
    DELETE FROM ${tomb} WHERE ${new_key_match};
END;

-- UPDATE by an application: counted only when a user column changed; a key move leaves a
-- tombstone for the old key and continues the new key's history as an INSERT would; a row
-- from before install (no dv_version yet) is bookkept as inserted; an UPDATE that changed no
-- user column keeps the row's bookkeeping as it was.
CREATE TRIGGER ${update_trigger} AFTER UPDATE ON ${table}
WHEN NOT EXISTS (SELECT 1 FROM dovetail_applying)
 AND NOT (NEW.dv_seq IS NOT OLD.dv_seq AND NEW.dv_seq IS (SELECT value FROM dovetail_change_seq WHERE id = 1))
BEGIN
    INSERT INTO ${tomb} (${key_columns}, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from)
    SELECT ${old_keys}, coalesce(OLD.dv_version, 0) + 1, coalesce(OLD.dv_origin, ${new_origin}),
           (SELECT site_name FROM dovetail_site), ${now}, NULL, NULL
     WHERE ${key_changed}
    ON CONFLICT (${key_columns}) DO UPDATE SET dv_version = excluded.dv_version, dv_origin = excluded.dv_origin,
        dv_site = excluded.dv_site, dv_changed_at = excluded.dv_changed_at, dv_seq = NULL, dv_from = NULL;
    UPDATE dovetail_change_seq SET value = value + 1
     WHERE id = 1 AND (${key_changed} OR OLD.dv_version IS NULL OR ${user_changed});
    UPDATE ${table} SET
        dv_version = CASE WHEN ${key_changed} OR OLD.dv_version IS NULL
            THEN coalesce((SELECT t.dv_version + 1 FROM ${tomb} AS t WHERE ${tomb_new_key_match}), 1)
            ELSE OLD.dv_version + 1 END,
        dv_origin = CASE WHEN ${key_changed} OR OLD.dv_version IS NULL
            THEN coalesce((SELECT t.dv_origin FROM ${tomb} AS t WHERE ${tomb_new_key_match}), ${new_origin})
            ELSE OLD.dv_origin END,
        dv_site = (SELECT site_name FROM dovetail_site),
        dv_changed_at = ${now},
        dv_seq = (SELECT value FROM dovetail_change_seq WHERE id = 1),
        dv_from = NULL${update_cols}
     WHERE ${new_key_match} AND (${key_changed} OR OLD.dv_version IS NULL OR ${user_changed});
    DELETE FROM ${tomb} WHERE ${new_key_match} AND ${key_changed};
    UPDATE ${table} SET dv_version = OLD.dv_version, dv_origin = OLD.dv_origin, dv_site = OLD.dv_site,
        dv_changed_at = OLD.dv_changed_at, dv_seq = OLD.dv_seq, dv_from = OLD.dv_from${keep_cols}
     WHERE ${new_key_match} AND NOT (${key_changed} OR OLD.dv_version IS NULL OR ${user_changed})
       AND ${bookkeeping_changed};
END;

-- DELETE by an application: the key's tombstone (the tombstone triggers give it its dv_seq).
CREATE TRIGGER ${delete_trigger} AFTER DELETE ON ${table}
WHEN NOT EXISTS (SELECT 1 FROM dovetail_applying)
BEGIN
    INSERT INTO ${tomb} (${key_columns}, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from)
    VALUES (${old_keys}, coalesce(OLD.dv_version, 0) + 1, coalesce(OLD.dv_origin, ${new_origin}),
            (SELECT site_name FROM dovetail_site), ${now}, NULL, NULL)
    ON CONFLICT (${key_columns}) DO UPDATE SET dv_version = excluded.dv_version, dv_origin = excluded.dv_origin,
        dv_site = excluded.dv_site, dv_changed_at = excluded.dv_changed_at, dv_seq = NULL, dv_from = NULL;
END;

-- Applying mode: the sync's rows keep the bookkeeping they bring and get a new local dv_seq,
-- the sync writes and removes tombstones itself.
CREATE TRIGGER ${apply_insert_trigger} AFTER INSERT ON ${table}
WHEN EXISTS (SELECT 1 FROM dovetail_applying)
BEGIN
    UPDATE dovetail_change_seq SET value = value + 1 WHERE id = 1;
    UPDATE ${table} SET dv_seq = (SELECT value FROM dovetail_change_seq WHERE id = 1)${clear_cols} WHERE ${new_key_match};
END;

CREATE TRIGGER ${apply_update_trigger} AFTER UPDATE ON ${table}
WHEN EXISTS (SELECT 1 FROM dovetail_applying)
 AND NOT (NEW.dv_seq IS NOT OLD.dv_seq AND NEW.dv_seq IS (SELECT value FROM dovetail_change_seq WHERE id = 1))
BEGIN
    UPDATE dovetail_change_seq SET value = value + 1 WHERE id = 1;
    UPDATE ${table} SET dv_seq = (SELECT value FROM dovetail_change_seq WHERE id = 1)${apply_cols} WHERE ${new_key_match};
END;

-- Every tombstone written (by the delete trigger, a key move or the sync) gets a new dv_seq.
CREATE TRIGGER ${tomb_insert_trigger} AFTER INSERT ON ${tomb}
BEGIN
    UPDATE dovetail_change_seq SET value = value + 1 WHERE id = 1;
    UPDATE ${tomb} SET dv_seq = (SELECT value FROM dovetail_change_seq WHERE id = 1) WHERE ${new_key_match};
END;

CREATE TRIGGER ${tomb_update_trigger} AFTER UPDATE ON ${tomb}
WHEN NOT (NEW.dv_seq IS NOT OLD.dv_seq AND NEW.dv_seq IS (SELECT value FROM dovetail_change_seq WHERE id = 1))
BEGIN
    UPDATE dovetail_change_seq SET value = value + 1 WHERE id = 1;
    UPDATE ${tomb} SET dv_seq = (SELECT value FROM dovetail_change_seq WHERE id = 1) WHERE ${new_key_match};
END;
