-- Verify pgchatter:channel_membership on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%_acting_internal%')::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.channel_join(bigint, bigint)'::regprocedure;

ROLLBACK;
