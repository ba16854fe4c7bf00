-- Verify pgchatter:activity_counts on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%_acting_as%')::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.activity_counts(bigint)'::regprocedure;

ROLLBACK;
