-- Verify pgchatter:record_feed on pg

BEGIN;

SELECT 'chatter.record_feed(text, bigint, integer, bigint)'::regprocedure;
-- Issue 23: rows come out through chatter.tracking_read; jit stays off.
SELECT 1 / (p.prosrc LIKE '%chatter.tracking_read(m)%' AND 'jit=off' = ANY (p.proconfig))::integer
  FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.record_feed(text, bigint, integer, bigint)'::regprocedure;

ROLLBACK;
