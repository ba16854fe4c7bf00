-- Verify pgchatter:create_message on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%cm.is_muted%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._notify_audience(bigint, boolean, boolean)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%IF written = 0 AND NOT EXISTS%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._notify_audience(bigint, boolean, boolean)'::regprocedure;

ROLLBACK;
