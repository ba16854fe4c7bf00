-- Verify pgchatter:activity_ping on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter._wake(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._activity_ping(bigint, bigint, text)'::regprocedure;

ROLLBACK;
