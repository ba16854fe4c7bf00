-- Verify pgchatter:realtime_wakeup on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter._wake(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._wake_bridge()'::regprocedure;

ROLLBACK;
