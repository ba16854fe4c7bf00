-- Verify pgchatter:activity_done on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter._html_escape(%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._activity_done(bigint, text)'::regprocedure;
SELECT 1 / (NOT EXISTS (SELECT FROM pg_catalog.pg_proc WHERE proname = '_activity_escape'))::integer;

ROLLBACK;
