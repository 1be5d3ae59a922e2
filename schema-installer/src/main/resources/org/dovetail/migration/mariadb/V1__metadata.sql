-- Dovetail's metadata at a MariaDB site (docs/bookkeeping.md, "MariaDB"). A MariaDB schema is
-- a database, and several sites may share one server, so the metadata lives in a database of
-- its own per site, named after the site's database: <database>_dovetail. Flyway creates it
-- (its name reaches the statements as ${flyway:defaultSchema}, as the connection's current
-- database stays the site's) and keeps its history in <database>_dovetail.dv_schema_history.
-- One migration holds the shape the PostgreSQL migrations V1 to V4 end in; times are
-- DATETIME(6) in UTC (MariaDB has no time-zone type; the sync's sessions run in UTC).
-- Every table is InnoDB and utf8mb4, like the tables Dovetail replicates.

-- This site's identity: one row.
CREATE TABLE `${flyway:defaultSchema}`.site (
    site_id varchar(36) NOT NULL PRIMARY KEY,
    site_name varchar(64) NOT NULL,
    installed_at datetime(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Tables installed here; table_key is database.table as stored in the catalog.
CREATE TABLE `${flyway:defaultSchema}`.replicated_table (
    table_key varchar(255) NOT NULL PRIMARY KEY,
    schema_name varchar(255) NOT NULL,
    table_name varchar(255) NOT NULL,
    tomb_name varchar(255) NOT NULL,
    installed_at datetime(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Per peer and table: the peer's dv_seq up to which this site has received its changes.
CREATE TABLE `${flyway:defaultSchema}`.peer_mark (
    peer_id varchar(36) NOT NULL,
    table_key varchar(255) NOT NULL,
    recv_seq bigint,
    recv_snapshot varchar(4000),
    updated_at datetime(6),
    PRIMARY KEY (peer_id, table_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Per peer and table: up to which of this site's dv_seq the peer has received.
CREATE TABLE `${flyway:defaultSchema}`.sent_mark (
    peer_id varchar(36) NOT NULL,
    peer_name varchar(64),
    table_key varchar(255) NOT NULL,
    sent_seq bigint,
    updated_at datetime(6),
    PRIMARY KEY (peer_id, table_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per sync run at each site.
CREATE TABLE `${flyway:defaultSchema}`.sync_run (
    run_id varchar(36) NOT NULL PRIMARY KEY,
    peer_id varchar(36),
    peer_name varchar(64),
    started_at datetime(6),
    ended_at datetime(6),
    outcome varchar(16),
    pushed bigint,
    pulled bigint,
    conflicts bigint,
    error_text varchar(4000),
    holder varchar(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The conflict store: the same record at both sites of a pair.
CREATE TABLE `${flyway:defaultSchema}`.conflict (
    conflict_id varchar(16) NOT NULL PRIMARY KEY,
    table_key varchar(255),
    key_text longtext,
    kind varchar(16),
    site_a varchar(64),
    site_b varchar(64),
    row_a longtext,
    row_b longtext,
    winner varchar(64),
    status varchar(16),
    policy varchar(80),
    detected_at datetime(6),
    run_id varchar(36),
    resolved_by varchar(255),
    resolved_at datetime(6),
    kept varchar(64),
    updated_seq bigint,
    detail longtext,
    refused_by varchar(64),
    key_hash varchar(64),
    KEY conflict_key_hash_idx (table_key, key_hash),
    KEY conflict_status_idx (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Not used on MariaDB (the pair lock is GET_LOCK), kept so every site has the same tables.
CREATE TABLE `${flyway:defaultSchema}`.pair_lock (
    pair_key varchar(80) NOT NULL PRIMARY KEY,
    holder varchar(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The user columns of each installed table as install last found them.
CREATE TABLE `${flyway:defaultSchema}`.install_column (
    table_key varchar(255) NOT NULL,
    column_name varchar(255) NOT NULL,
    ordinal integer NOT NULL,
    PRIMARY KEY (table_key, column_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Gives dv_seq to every change of every replicated table and tombstone at this site. A
-- MariaDB SEQUENCE is not transactional: a value taken is never handed out again, also when
-- its transaction rolls back, and values come in the order they are taken, whatever session
-- takes them (the cache is the server's, not the session's).
CREATE SEQUENCE `${flyway:defaultSchema}`.change_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 NO MAXVALUE CACHE 1000 NOCYCLE;

-- The transactions writing now, one row per connection: the first dv_seq its transaction
-- took (0 for a moment while it takes it). The row is written before the number is taken
-- and stays locked by the writing transaction until it ends; see next_seq() in
-- sql/.../mariadb/site-objects.sql and the reader in MariaDbChangeCapture.
CREATE TABLE `${flyway:defaultSchema}`.in_flight (
    conn_id bigint NOT NULL PRIMARY KEY,
    first_seq bigint NOT NULL
) ENGINE=InnoDB;
