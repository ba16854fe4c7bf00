-- Verify pgchatter:outbox on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter.outbox_done(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.outbox_complete(bigint, text)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%chatter._wake(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._wake_listener()'::regprocedure;

ROLLBACK;
