-- What the triggers of every replicated table at a MariaDB site share, created by every install
-- after the metadata migrations (docs/bookkeeping.md, "MariaDB"). Every statement is safe to
-- run again. A statement ends with a line ending in ';', except a routine's body: from a line
-- "BEGIN" to the line "END;".
--
-- Parameters:
--   ${meta}                the site's metadata database, quoted: `shop_dovetail`
--
-- Applying mode's secret: one row, made once at the first install and never changed. Only
-- roles with rights on the metadata database can read it; the triggers read it with their
-- definer's rights (the installing role).
CREATE TABLE IF NOT EXISTS ${meta}.`applying_secret` (
    id tinyint NOT NULL PRIMARY KEY,
    secret varchar(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
INSERT IGNORE INTO ${meta}.`applying_secret` (id, secret)
VALUES (1, SHA2(CONCAT(UUID(), RAND(), RAND(), CONNECTION_ID(), SYSDATE(6)), 256));
-- ${meta}.next_seq(): the next change number, for the triggers and for rows the sync writes.
-- First this connection's row in in_flight is written (or, when it is there from an earlier
-- transaction the reader has not yet cleared, locked): so the row exists, locked by this
-- transaction until it ends, before the number is taken. A reader that sees the sequence past
-- the number therefore sees the row (READ UNCOMMITTED) and, while the row is locked, never
-- moves its mark to the number or beyond. A row left from an earlier transaction holds a
-- smaller first number: the reader stops lower than it needs to, never higher. The upsert takes
-- a lock on the connection's own row only (a locking read of a missing row would lock the gap
-- and make other connections' first writes wait for this transaction).
DROP FUNCTION IF EXISTS ${meta}.`next_seq`;
CREATE FUNCTION ${meta}.`next_seq`() RETURNS bigint
NOT DETERMINISTIC MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
    DECLARE first bigint;
    DECLARE n bigint;
    INSERT INTO ${meta}.`in_flight` (conn_id, first_seq) VALUES (CONNECTION_ID(), 0)
        ON DUPLICATE KEY UPDATE first_seq = first_seq;
    SELECT first_seq INTO first FROM ${meta}.`in_flight` WHERE conn_id = CONNECTION_ID() FOR UPDATE;
    SET n = NEXTVAL(${meta}.`change_seq`);
    IF first = 0 THEN
        UPDATE ${meta}.`in_flight` SET first_seq = n WHERE conn_id = CONNECTION_ID();
    END IF;
    RETURN n;
END;
