-- Dovetail's metadata at a SQLite site (docs/bookkeeping.md, "SQLite"). SQLite has one schema
-- per file (main), so the metadata lives in the application's file as tables named
-- dovetail_<table> (the same tables and columns as schema dovetail on PostgreSQL, after its
-- migrations V1 to V4); Flyway keeps its history in main.dv_schema_history. Timestamps are
-- ISO-8601 text in UTC of one width (2026-12-02T08:30:00.123456Z), so text order is time order.

-- This site's identity: one row.
CREATE TABLE dovetail_site (
    site_id      VARCHAR(36) NOT NULL PRIMARY KEY,
    site_name    VARCHAR(64) NOT NULL,
    installed_at TEXT
);

-- Tables installed here; table_key is main.table as stored in the catalog.
CREATE TABLE dovetail_replicated_table (
    table_key    VARCHAR(255) NOT NULL PRIMARY KEY,
    schema_name  VARCHAR(255),
    table_name   VARCHAR(255),
    tomb_name    VARCHAR(255),
    installed_at TEXT
);

-- Per peer and table: the peer's dv_seq up to which this site has received its changes.
CREATE TABLE dovetail_peer_mark (
    peer_id       VARCHAR(36)  NOT NULL,
    table_key     VARCHAR(255) NOT NULL,
    recv_seq      INTEGER,
    recv_snapshot VARCHAR(4000),
    updated_at    TEXT,
    PRIMARY KEY (peer_id, table_key)
);

-- Per peer and table: up to which of this site's dv_seq the peer has received.
CREATE TABLE dovetail_sent_mark (
    peer_id    VARCHAR(36)  NOT NULL,
    peer_name  VARCHAR(64),
    table_key  VARCHAR(255) NOT NULL,
    sent_seq   INTEGER,
    updated_at TEXT,
    PRIMARY KEY (peer_id, table_key)
);

-- One row per sync run at each site.
CREATE TABLE dovetail_sync_run (
    run_id     VARCHAR(36) NOT NULL PRIMARY KEY,
    peer_id    VARCHAR(36),
    peer_name  VARCHAR(64),
    started_at TEXT,
    ended_at   TEXT,
    outcome    VARCHAR(16),
    pushed     INTEGER,
    pulled     INTEGER,
    conflicts  INTEGER,
    error_text VARCHAR(4000),
    holder     VARCHAR(255)
);

-- The conflict store: the same record at both sites of a pair.
CREATE TABLE dovetail_conflict (
    conflict_id VARCHAR(16) NOT NULL PRIMARY KEY,
    table_key   VARCHAR(255),
    key_text    TEXT,
    kind        VARCHAR(16),
    site_a      VARCHAR(64),
    site_b      VARCHAR(64),
    row_a       TEXT,
    row_b       TEXT,
    winner      VARCHAR(64),
    status      VARCHAR(16),
    policy      VARCHAR(80),
    detected_at TEXT,
    run_id      VARCHAR(36),
    resolved_by VARCHAR(255),
    resolved_at TEXT,
    kept        VARCHAR(64),
    updated_seq INTEGER,
    detail      TEXT,
    refused_by  VARCHAR(64),
    key_hash    VARCHAR(64)
);
CREATE INDEX dovetail_conflict_key_hash_idx ON dovetail_conflict (table_key, key_hash);
CREATE INDEX dovetail_conflict_status_idx ON dovetail_conflict (status);

-- The user columns of each installed table as install last found them.
CREATE TABLE dovetail_install_column (
    table_key   VARCHAR(255) NOT NULL,
    column_name VARCHAR(255) NOT NULL,
    ordinal     INTEGER NOT NULL,
    PRIMARY KEY (table_key, column_name)
);

-- The site's change counter (PostgreSQL: sequence dovetail.change_seq). The triggers add one
-- and read it back inside the writing transaction; SQLite lets one transaction write at a time,
-- so numbers become visible in the order they were given (docs/bookkeeping.md, "SQLite").
CREATE TABLE dovetail_change_seq (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO dovetail_change_seq (id, value) VALUES (1, 0);

-- Applying mode: a row here exists only inside the sync's own write transaction (written after
-- it took the write lock, deleted before it commits), so no other connection ever sees it.
CREATE TABLE dovetail_applying (
    id     INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    holder VARCHAR(255)
);

-- Conflict records are numbered from the change counter on every write, so that pairs can
-- exchange them incrementally (the sync writes updated_seq as NULL and these triggers set it).
-- The UPDATE trigger skips the triggers' own numbering (updated_seq set to the counter's value).
CREATE TRIGGER dovetail_conflict_seq_ins AFTER INSERT ON dovetail_conflict
BEGIN
    UPDATE dovetail_change_seq SET value = value + 1 WHERE id = 1;
    UPDATE dovetail_conflict SET updated_seq = (SELECT value FROM dovetail_change_seq WHERE id = 1)
     WHERE conflict_id = NEW.conflict_id;
END;
CREATE TRIGGER dovetail_conflict_seq_upd AFTER UPDATE ON dovetail_conflict
WHEN NOT (NEW.updated_seq IS NOT OLD.updated_seq
          AND NEW.updated_seq IS (SELECT value FROM dovetail_change_seq WHERE id = 1))
BEGIN
    UPDATE dovetail_change_seq SET value = value + 1 WHERE id = 1;
    UPDATE dovetail_conflict SET updated_seq = (SELECT value FROM dovetail_change_seq WHERE id = 1)
     WHERE conflict_id = NEW.conflict_id;
END;
