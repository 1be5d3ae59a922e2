-- Per peer and table: up to which of this site's DV_SEQ the peer has received (written by the
-- sending side after each pass), so that `dovetail status` can count what is not yet sent.
CREATE TABLE "DOVETAIL"."SENT_MARK" (
    "PEER_ID" VARCHAR(36) NOT NULL,
    "PEER_NAME" VARCHAR(64),
    "TABLE_KEY" VARCHAR(255) NOT NULL,
    "SENT_SEQ" BIGINT,
    "UPDATED_AT" TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY ("PEER_ID", "TABLE_KEY")
);
