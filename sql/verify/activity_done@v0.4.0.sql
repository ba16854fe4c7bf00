-- Verify pgchatter:activity_done on pg

BEGIN;

SELECT 1 / (p.prosecdef)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._activity_done(bigint, text)'::regprocedure;
SELECT 1 / (NOT p.prosecdef)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.activity_done(bigint, text)'::regprocedure;

ROLLBACK;
