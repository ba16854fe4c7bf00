-- Verify pgchatter:message_audience on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%u.share%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.message_audience(bigint)'::regprocedure;

ROLLBACK;
