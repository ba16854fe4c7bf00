-- Verify pgchatter:inbox on pg

BEGIN;

SELECT 1 / (NOT p.prosecdef AND p.prosrc LIKE '%LIMIT cap%')::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.inbox_count(bigint)'::regprocedure;

ROLLBACK;
