-- Applying mode that no application role can switch on (docs/bookkeeping.md, "Applying
-- mode"), run once per install after the metadata migrations, in the metadata schema
-- "dovetail", on which no role but the installing one has any right. The secret is made once
-- and never changed: sessions keep it folded into their cached trigger plans.
--   dovetail.applying_secret       one row, a random secret; no rights for PUBLIC
--   dovetail.applying_token()      the secret: IMMUTABLE (it never changes), so the triggers'
--                                  plans hold it as a constant; EXECUTE for its owner only
--   dovetail.set_applying(boolean) applying mode on (the secret, transaction-local, in the
--                                  setting dovetail.applying) or off (''); SECURITY DEFINER,
--                                  EXECUTE for its owner only
-- Both functions are SECURITY DEFINER without SET search_path: their bodies name everything
-- with its schema.
CREATE TABLE IF NOT EXISTS dovetail.applying_secret (
    secret text NOT NULL
);
REVOKE ALL ON dovetail.applying_secret FROM PUBLIC;
INSERT INTO dovetail.applying_secret (secret)
SELECT pg_catalog.gen_random_uuid()::pg_catalog.text OPERATOR(pg_catalog.||) pg_catalog.gen_random_uuid()::pg_catalog.text
WHERE NOT EXISTS (SELECT FROM dovetail.applying_secret);
CREATE OR REPLACE FUNCTION dovetail.applying_token() RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE SECURITY DEFINER AS $dv$
    SELECT secret FROM dovetail.applying_secret
$dv$;
CREATE OR REPLACE FUNCTION dovetail.set_applying(applying pg_catalog.bool) RETURNS void
LANGUAGE sql SECURITY DEFINER AS $dv$
    SELECT pg_catalog.set_config('dovetail.applying',
        CASE WHEN applying THEN dovetail.applying_token() ELSE '' END, true)
$dv$;
REVOKE EXECUTE ON FUNCTION dovetail.applying_token() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION dovetail.set_applying(pg_catalog.bool) FROM PUBLIC;
