-- Dovetail's metadata at an H2 site (docs/bookkeeping.md). Flyway creates schema DOVETAIL
-- and keeps its history in DOVETAIL.DV_SCHEMA_HISTORY. Names are upper case, so that
-- applications can write them unquoted, as on PostgreSQL.

-- This site's identity: one row.
CREATE TABLE DOVETAIL.SITE (
    SITE_ID      VARCHAR(36) NOT NULL PRIMARY KEY,
    SITE_NAME    VARCHAR(64) NOT NULL,
    INSTALLED_AT TIMESTAMP WITH TIME ZONE
);

-- Tables installed here; TABLE_KEY is schema.table as stored in the catalog.
CREATE TABLE DOVETAIL.REPLICATED_TABLE (
    TABLE_KEY    VARCHAR(255) NOT NULL PRIMARY KEY,
    SCHEMA_NAME  VARCHAR(255),
    TABLE_NAME   VARCHAR(255),
    TOMB_NAME    VARCHAR(255),
    INSTALLED_AT TIMESTAMP WITH TIME ZONE
);

-- Per peer and table: the peer's DV_SEQ up to which this site has received its changes.
CREATE TABLE DOVETAIL.PEER_MARK (
    PEER_ID       VARCHAR(36)  NOT NULL,
    TABLE_KEY     VARCHAR(255) NOT NULL,
    RECV_SEQ      BIGINT,
    RECV_SNAPSHOT VARCHAR(4000),
    UPDATED_AT    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (PEER_ID, TABLE_KEY)
);

-- One row per sync run at each site.
CREATE TABLE DOVETAIL.SYNC_RUN (
    RUN_ID     VARCHAR(36) NOT NULL PRIMARY KEY,
    PEER_ID    VARCHAR(36),
    PEER_NAME  VARCHAR(64),
    STARTED_AT TIMESTAMP WITH TIME ZONE,
    ENDED_AT   TIMESTAMP WITH TIME ZONE,
    OUTCOME    VARCHAR(16),
    PUSHED     BIGINT,
    PULLED     BIGINT,
    CONFLICTS  BIGINT,
    ERROR_TEXT VARCHAR(4000),
    HOLDER     VARCHAR(255)
);

-- The conflict store: the same record at both sites of a pair.
CREATE TABLE DOVETAIL.CONFLICT (
    CONFLICT_ID VARCHAR(16) NOT NULL PRIMARY KEY,
    TABLE_KEY   VARCHAR(255),
    KEY_TEXT    VARCHAR(4000),
    KIND        VARCHAR(16),
    SITE_A      VARCHAR(64),
    SITE_B      VARCHAR(64),
    ROW_A       CHARACTER LARGE OBJECT,
    ROW_B       CHARACTER LARGE OBJECT,
    WINNER      VARCHAR(64),
    STATUS      VARCHAR(16),
    POLICY      VARCHAR(80),
    DETECTED_AT TIMESTAMP WITH TIME ZONE,
    RUN_ID      VARCHAR(36),
    RESOLVED_BY VARCHAR(255),
    RESOLVED_AT TIMESTAMP WITH TIME ZONE,
    KEPT        VARCHAR(64),
    UPDATED_SEQ BIGINT
);
CREATE INDEX DOVETAIL.CONFLICT_KEY_IDX ON DOVETAIL.CONFLICT (TABLE_KEY, KEY_TEXT);
CREATE INDEX DOVETAIL.CONFLICT_STATUS_IDX ON DOVETAIL.CONFLICT (STATUS);

-- A row lock taken by the sync on H2, so that only one sync of a pair runs at a time.
CREATE TABLE DOVETAIL.PAIR_LOCK (
    PAIR_KEY VARCHAR(80) NOT NULL PRIMARY KEY,
    HOLDER   VARCHAR(255)
);

-- Gives DV_SEQ to every change of every replicated table and tombstone at this site.
CREATE SEQUENCE DOVETAIL.CHANGE_SEQ AS BIGINT START WITH 1;

-- CALL DOVETAIL.SET_APPLYING(TRUE | FALSE): applying mode for this session (the triggers
-- keep the incoming version, origin, site and change time).
CREATE ALIAS DOVETAIL.SET_APPLYING FOR 'org.dovetail.sql.h2.ApplyingMode.set';

-- SELECT DOVETAIL.SAFE_SEQ(): the highest DV_SEQ up to which every change is committed or
-- rolled back; call it in autocommit mode.
CREATE ALIAS DOVETAIL.SAFE_SEQ FOR 'org.dovetail.sql.h2.Watermark.safeSeq';
