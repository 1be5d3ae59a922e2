-- Bookkeeping columns, tombstone table, TRUNCATE guard and triggers of one replicated table at a
-- MariaDB site (docs/bookkeeping.md, "MariaDB"). Every statement is safe to run again on an
-- installed table. MariaDB commits each DDL statement by itself, so they run one after the
-- other, in an order that leaves nothing half done that a second run would not finish: the
-- tombstone and guard tables, then the columns, then the triggers (created again, so that they
-- know the table's columns as they are now). The columns are INVISIBLE (SELECT * and INSERT without a column
-- list see the table as before install), nullable and without a default: InnoDB adds them
-- instantly, taking the table's metadata lock for a moment only. A statement ends with a line
-- ending in ';', except a trigger: from its CREATE to the line "END;".
--
-- Parameters:
--   ${table}               the replicated table, quoted: `shop`.`items`
--   ${tomb}                the tombstone table, quoted
--   ${guard}               the TRUNCATE guard table, quoted
--   ${guard_fk}            the guard's foreign key's name, quoted
--   ${seq_index}           the name of the table's index on dv_seq, quoted
--   ${key_columns}         the primary-key columns: `id`, ...
--   ${meta}                the site's metadata database, quoted
--   ${site}                this site's name, as an SQL string literal
--   ${ins_trigger} ${upd_trigger} ${del_trigger}   the three triggers' names, database-qualified
--   ${new_key_is}          the key columns equal NEW's: `id` = NEW.`id` AND ...
--   ${old_key_values}      OLD.`id`, ...
--   ${key_moved}           whether an UPDATE changes the key: NOT (NEW.`id` <=> OLD.`id` AND ...)
--   ${same_user_values}    whether an UPDATE leaves every user column as it was, byte for byte:
--                          BINARY NEW.`name` <=> BINARY OLD.`name` AND NEW.`qty` <=> OLD.`qty` ...
--   ${keep_old_bookkeeping}  SET NEW.dv_version = OLD.dv_version, ... (every dv_ column)
-- The key columns copied from the table with their exact types, character sets and collations.
CREATE TABLE IF NOT EXISTS ${tomb} (
    dv_version bigint,
    dv_origin varchar(36) CHARACTER SET ascii COLLATE ascii_bin,
    dv_site varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    dv_changed_at datetime(6),
    dv_seq bigint,
    dv_from varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    PRIMARY KEY (${key_columns}),
    KEY dv_seq_idx (dv_seq)
) ENGINE=InnoDB SELECT ${key_columns} FROM ${table} LIMIT 0;
-- TRUNCATE fires no trigger: InnoDB refuses to truncate a table that another table's foreign
-- key references (error 1701), so an always empty table references this one. It costs a DELETE
-- one probe of an empty index.
CREATE TABLE IF NOT EXISTS ${guard} (
    PRIMARY KEY (${key_columns}),
    CONSTRAINT ${guard_fk} FOREIGN KEY (${key_columns}) REFERENCES ${table} (${key_columns})
) ENGINE=InnoDB SELECT ${key_columns} FROM ${table} LIMIT 0;
-- The bookkeeping columns, after the tombstone table: a table with dv_ columns and a tombstone
-- table is one an earlier install began (TableCheck), whose columns are not the application's.
ALTER TABLE ${table}
    ADD COLUMN IF NOT EXISTS dv_version bigint INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_origin varchar(36) CHARACTER SET ascii COLLATE ascii_bin INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_site varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_changed_at datetime(6) INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_seq bigint INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_from varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin INVISIBLE,
    ADD INDEX IF NOT EXISTS ${seq_index} (dv_seq);
-- INSERT: applying mode keeps what the sync wrote and takes a change number; otherwise the key's
-- history continues from its tombstone, if any. The tombstone is looked up by a plain
-- (consistent) read: a locking read of a key without a tombstone would lock the gap under
-- REPEATABLE READ and hold up other sessions' deletes until this transaction ends. So, unlike
-- PostgreSQL, an INSERT does not wait for a transaction deleting the same key (see
-- docs/bookkeeping.md, "MariaDB", for what that leaves).
CREATE OR REPLACE TRIGGER ${ins_trigger} BEFORE INSERT ON ${table} FOR EACH ROW
BEGIN
    DECLARE tomb_version bigint DEFAULT NULL;
    DECLARE tomb_origin varchar(36) DEFAULT NULL;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET tomb_version = NULL;
    IF @dovetail_applying IS NOT NULL
            AND @dovetail_applying = (SELECT secret FROM ${meta}.`applying_secret` WHERE id = 1) THEN
        SET NEW.dv_seq = ${meta}.`next_seq`();
    ELSE
        SELECT dv_version, dv_origin INTO tomb_version, tomb_origin FROM ${tomb} WHERE ${new_key_is};
        IF tomb_version IS NOT NULL THEN
            DELETE FROM ${tomb} WHERE ${new_key_is};
            SET NEW.dv_version = tomb_version + 1, NEW.dv_origin = tomb_origin;
        ELSE
            SET NEW.dv_version = 1, NEW.dv_origin = UUID();
        END IF;
        SET NEW.dv_site = ${site}, NEW.dv_changed_at = UTC_TIMESTAMP(6), NEW.dv_from = NULL,
            NEW.dv_seq = ${meta}.`next_seq`();
    END IF;
END;
-- UPDATE: a moved key leaves a tombstone for the old key and continues the new key's history; an
-- UPDATE that changes no user column keeps the row's bookkeeping as it was.
CREATE OR REPLACE TRIGGER ${upd_trigger} BEFORE UPDATE ON ${table} FOR EACH ROW
BEGIN
    DECLARE tomb_version bigint DEFAULT NULL;
    DECLARE tomb_origin varchar(36) DEFAULT NULL;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET tomb_version = NULL;
    IF @dovetail_applying IS NOT NULL
            AND @dovetail_applying = (SELECT secret FROM ${meta}.`applying_secret` WHERE id = 1) THEN
        SET NEW.dv_seq = ${meta}.`next_seq`();
    ELSEIF OLD.dv_version IS NOT NULL AND NOT (${key_moved}) AND (${same_user_values}) THEN
        ${keep_old_bookkeeping};
    ELSE
        IF OLD.dv_version IS NOT NULL AND NOT (${key_moved}) THEN
            SET NEW.dv_version = OLD.dv_version + 1, NEW.dv_origin = OLD.dv_origin;
        ELSE
            IF OLD.dv_version IS NOT NULL THEN
                INSERT INTO ${tomb} (${key_columns}, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from)
                VALUES (${old_key_values}, OLD.dv_version + 1, OLD.dv_origin, ${site}, UTC_TIMESTAMP(6),
                        ${meta}.`next_seq`(), NULL)
                ON DUPLICATE KEY UPDATE dv_version = VALUES(dv_version), dv_origin = VALUES(dv_origin),
                    dv_site = VALUES(dv_site), dv_changed_at = VALUES(dv_changed_at), dv_seq = VALUES(dv_seq),
                    dv_from = NULL;
            END IF;
            SELECT dv_version, dv_origin INTO tomb_version, tomb_origin FROM ${tomb} WHERE ${new_key_is};
            IF tomb_version IS NOT NULL THEN
                DELETE FROM ${tomb} WHERE ${new_key_is};
                SET NEW.dv_version = tomb_version + 1, NEW.dv_origin = tomb_origin;
            ELSE
                SET NEW.dv_version = 1, NEW.dv_origin = UUID();
            END IF;
        END IF;
        SET NEW.dv_site = ${site}, NEW.dv_changed_at = UTC_TIMESTAMP(6), NEW.dv_from = NULL,
            NEW.dv_seq = ${meta}.`next_seq`();
    END IF;
END;
-- DELETE: the key's tombstone; nothing in applying mode (the sync writes the tombstone itself).
CREATE OR REPLACE TRIGGER ${del_trigger} AFTER DELETE ON ${table} FOR EACH ROW
BEGIN
    IF @dovetail_applying IS NULL
            OR NOT @dovetail_applying <=> (SELECT secret FROM ${meta}.`applying_secret` WHERE id = 1) THEN
        INSERT INTO ${tomb} (${key_columns}, dv_version, dv_origin, dv_site, dv_changed_at, dv_seq, dv_from)
        VALUES (${old_key_values}, COALESCE(OLD.dv_version, 0) + 1, COALESCE(OLD.dv_origin, UUID()), ${site},
                UTC_TIMESTAMP(6), ${meta}.`next_seq`(), NULL)
        ON DUPLICATE KEY UPDATE dv_version = VALUES(dv_version), dv_origin = VALUES(dv_origin),
            dv_site = VALUES(dv_site), dv_changed_at = VALUES(dv_changed_at), dv_seq = VALUES(dv_seq),
            dv_from = NULL;
    END IF;
END;
