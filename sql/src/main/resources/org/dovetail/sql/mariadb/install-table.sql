-- Bookkeeping columns, tombstone table, TRUNCATE guard and triggers of one replicated table at a
-- MariaDB site (docs/bookkeeping.md, "MariaDB"). Every statement is safe to run again on an
-- installed table. MariaDB commits each DDL statement by itself, so they run one after the
-- other, in an order that leaves nothing half done that a second run would not finish: the
-- tombstone and guard tables, then the columns, then the triggers (created again, so that they
-- know the table's columns as they are now). The columns are INVISIBLE (SELECT * and INSERT without a column
-- list see the table as before install), nullable and without a default: InnoDB adds them
-- instantly, taking the table's metadata lock for a moment only. A statement ends with a line
-- ending in ';', except a trigger or block: from its CREATE or BEGIN NOT ATOMIC to the line "END;".
--
-- Sections: a line marked [columns] is there only for a table under merge: columns (dv_cols and
-- the trigger lines keeping it, docs/bookkeeping.md, "Column changes"), one marked [rows] only
-- for any other table; every other line is the same for both, so a table under merge: rows gets
-- exactly the triggers it had before column tracking existed.
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
--   ${keep_old_bookkeeping}  SET NEW.dv_version = OLD.dv_version, ... (every dv_ column, dv_cols
--                          too under merge: columns)
--   ${db_literal} ${table_literal}  the table's database and name, as SQL string literals
--   ${ins_trigger_literal} ${upd_trigger_literal}  the INSERT and UPDATE triggers' names, as literals
--   ${column_entries}      dv_cols after an UPDATE that changed the row: a JSON object with an
--                          entry per user column install knew (generated ones left out), the new
--                          one for a column that changed (byte for byte, as ${same_user_values}),
--                          else OLD's, else OLD's row-level one:
--                          JSON_OBJECT('name', IF(BINARY NEW.`name` <=> BINARY OLD.`name`,
--                              COALESCE(JSON_VALUE(OLD.dv_cols, '$."name"'), old_entry), new_entry), ...)
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
-- merge: columns: a dv_cols that the INSERT and UPDATE triggers do not both keep was left by an
-- install under merge: rows that stopped after replacing the triggers and before dropping the
-- column (or by an install under merge: columns that stopped before its triggers): its entries
-- may be stale, and an entry claims its column unchanged since, so it is dropped here and added
-- again (NULL: every column counts as changed in the row's last write) by the next statement.
-- The triggers' text is the test: only the [columns] lines below write NEW.dv_cols unquoted.
[columns] BEGIN NOT ATOMIC
[columns]     IF (SELECT COUNT(*) FROM information_schema.TRIGGERS
[columns]             WHERE TRIGGER_SCHEMA = ${db_literal} AND EVENT_OBJECT_TABLE = ${table_literal}
[columns]                 AND TRIGGER_NAME IN (${ins_trigger_literal}, ${upd_trigger_literal})
[columns]                 AND ACTION_STATEMENT LIKE '%SET NEW.dv_cols = %') < 2 THEN
[columns]         ALTER TABLE ${table} DROP COLUMN IF EXISTS dv_cols;
[columns]     END IF;
[columns] END;
-- The bookkeeping columns, after the tombstone table: a table with dv_ columns and a tombstone
-- table is one an earlier install began (TableCheck), whose columns are not the application's.
-- dv_cols (merge: columns) comes before the triggers that write it.
ALTER TABLE ${table}
    ADD COLUMN IF NOT EXISTS dv_version bigint INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_origin varchar(36) CHARACTER SET ascii COLLATE ascii_bin INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_site varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_changed_at datetime(6) INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_seq bigint INVISIBLE,
    ADD COLUMN IF NOT EXISTS dv_from varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin INVISIBLE,
    [columns] ADD COLUMN IF NOT EXISTS dv_cols longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin INVISIBLE,
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
    [columns] SET NEW.dv_cols = NULL;
END;
-- UPDATE: a moved key leaves a tombstone for the old key and continues the new key's history; an
-- UPDATE that changes no user column keeps the row's bookkeeping as it was. merge: columns: an
-- UPDATE bookkept as an INSERT (a moved key, a row not backfilled) clears dv_cols, in applying
-- mode too; any other that took a change number gives each changed column the entry
-- NEW.dv_seq[@NEW.dv_from] (CONCAT_WS leaves out the NULL dv_from of a change made here) and
-- each other column OLD's entry, else OLD's row-level one. JSON_VALUE reads an entry as the
-- plain string (JSON_EXTRACT's would be quoted once more by JSON_OBJECT); it is only evaluated
-- for an unchanged column, and on a NULL OLD.dv_cols returns NULL at once.
CREATE OR REPLACE TRIGGER ${upd_trigger} BEFORE UPDATE ON ${table} FOR EACH ROW
BEGIN
    DECLARE tomb_version bigint DEFAULT NULL;
    DECLARE tomb_origin varchar(36) DEFAULT NULL;
    [columns] DECLARE new_entry, old_entry varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET tomb_version = NULL;
    IF @dovetail_applying IS NOT NULL
            AND @dovetail_applying = (SELECT secret FROM ${meta}.`applying_secret` WHERE id = 1) THEN
        SET NEW.dv_seq = ${meta}.`next_seq`();
        [columns] SET new_entry = CONCAT_WS('@', NEW.dv_seq, NEW.dv_from), old_entry = CONCAT_WS('@', OLD.dv_seq, OLD.dv_from);
        [columns] SET NEW.dv_cols = IF(OLD.dv_version IS NULL OR ${key_moved}, NULL, ${column_entries});
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
        [columns] SET new_entry = CONCAT_WS('@', NEW.dv_seq, NEW.dv_from), old_entry = CONCAT_WS('@', OLD.dv_seq, OLD.dv_from);
        [columns] SET NEW.dv_cols = IF(OLD.dv_version IS NULL OR ${key_moved}, NULL, ${column_entries});
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
-- merge: rows: dv_cols goes, after the triggers that kept it (a trigger naming a column the table
-- no longer has would fail every write): an entry nobody keeps could later claim a column
-- unchanged that was changed.
[rows] ALTER TABLE ${table} DROP COLUMN IF EXISTS dv_cols;
