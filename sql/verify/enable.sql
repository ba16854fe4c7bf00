-- Verify pgchatter:enable on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%_grant_to_owner%')::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.enable(regclass, boolean, boolean, text[], text, text)'::regprocedure;

ROLLBACK;
