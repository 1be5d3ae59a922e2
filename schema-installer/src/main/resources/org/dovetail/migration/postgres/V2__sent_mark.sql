-- Per peer and table: up to which of this site's dv_seq the peer has received (written by the
-- sending side after each pass), so that `dovetail status` can count what is not yet sent.
CREATE TABLE dovetail.sent_mark (
    peer_id varchar(36) NOT NULL,
    peer_name varchar(64),
    table_key varchar(255) NOT NULL,
    sent_seq bigint,
    updated_at timestamptz,
    PRIMARY KEY (peer_id, table_key)
);
