-- Release 2: received changes a site refused (kind 'rejected') and keys of any length.
-- detail:     the constraint and the database's message, for 'rejected' records
-- refused_by: the site whose database refused the change (the other site sent it)
-- key_hash:   SHA-256 of key_text in hex; the index is on it, so a key of any length can be
--             recorded (an index entry on key_text itself fails above about 2.7 kB)
ALTER TABLE dovetail.conflict ADD COLUMN detail text;
ALTER TABLE dovetail.conflict ADD COLUMN refused_by varchar(64);
ALTER TABLE dovetail.conflict ADD COLUMN key_hash varchar(64);
ALTER TABLE dovetail.conflict ALTER COLUMN key_text TYPE text;
UPDATE dovetail.conflict SET key_hash = encode(sha256(convert_to(key_text, 'UTF8')), 'hex');
DROP INDEX dovetail.conflict_table_key_idx;
CREATE INDEX conflict_key_hash_idx ON dovetail.conflict (table_key, key_hash);
