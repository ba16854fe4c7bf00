-- Verify pgchatter:followers_api on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter._record_followers(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.record_followers(text, bigint)'::regprocedure;

ROLLBACK;
