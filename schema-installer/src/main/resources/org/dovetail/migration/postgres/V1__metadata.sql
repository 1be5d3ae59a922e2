-- Dovetail's metadata at a PostgreSQL site (docs/bookkeeping.md, "Metadata schema").
-- Flyway creates the schema "dovetail" and keeps its history in dovetail.dv_schema_history.

-- This site's identity: one row.
CREATE TABLE dovetail.site (
    site_id varchar(36) NOT NULL PRIMARY KEY,
    site_name varchar(64) NOT NULL,
    installed_at timestamptz NOT NULL
);

-- The tables installed here; table_key is schema.table as stored in the catalog.
CREATE TABLE dovetail.replicated_table (
    table_key varchar(255) NOT NULL PRIMARY KEY,
    schema_name varchar(255) NOT NULL,
    table_name varchar(255) NOT NULL,
    tomb_name varchar(255) NOT NULL,
    installed_at timestamptz NOT NULL
);

-- Per peer and table: up to which of the peer's dv_seq this site has received its changes,
-- and (PostgreSQL peers) the txid snapshot the peer read them under.
CREATE TABLE dovetail.peer_mark (
    peer_id varchar(36) NOT NULL,
    table_key varchar(255) NOT NULL,
    recv_seq bigint,
    recv_snapshot varchar(4000),
    updated_at timestamptz,
    PRIMARY KEY (peer_id, table_key)
);

-- One row per sync run; outcome is running, ok, conflicts or failed.
CREATE TABLE dovetail.sync_run (
    run_id varchar(36) NOT NULL PRIMARY KEY,
    peer_id varchar(36),
    peer_name varchar(64),
    started_at timestamptz,
    ended_at timestamptz,
    outcome varchar(16),
    pushed bigint,
    pulled bigint,
    conflicts bigint,
    error_text varchar(4000),
    holder varchar(255)
);

-- The conflict store: the same record at both sites of a pair. key_text is the primary key
-- values as a JSON array; row_a and row_b each side's full row as a JSON object (NULL for a
-- deleted row); updated_seq comes from change_seq on every write.
CREATE TABLE dovetail.conflict (
    conflict_id varchar(16) NOT NULL PRIMARY KEY,
    table_key varchar(255),
    key_text varchar(4000),
    kind varchar(16),
    site_a varchar(64),
    site_b varchar(64),
    row_a text,
    row_b text,
    winner varchar(64),
    status varchar(16),
    policy varchar(80),
    detected_at timestamptz,
    run_id varchar(36),
    resolved_by varchar(255),
    resolved_at timestamptz,
    kept varchar(64),
    updated_seq bigint
);
CREATE INDEX conflict_table_key_idx ON dovetail.conflict (table_key, key_text);
CREATE INDEX conflict_status_idx ON dovetail.conflict (status);

-- A row lock the sync takes on H2; kept here too so both metadata schemas are alike.
CREATE TABLE dovetail.pair_lock (
    pair_key varchar(80) NOT NULL PRIMARY KEY,
    holder varchar(255)
);

-- dv_seq of every replicated table and tombstone at this site. CACHE 1 (the default) keeps
-- numbers increasing across sessions in the order they are taken.
CREATE SEQUENCE dovetail.change_seq AS bigint START WITH 1 INCREMENT BY 1 NO CYCLE CACHE 1;
