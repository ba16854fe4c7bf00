-- Verify pgchatter:record_lookup on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter.record_readable(model, document)%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._check_record(text, bigint)'::regprocedure;

ROLLBACK;
