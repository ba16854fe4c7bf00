-- Verify pgchatter:readable_models on pg

BEGIN;

SELECT 'chatter.record_readable(text, bigint)'::regprocedure,
       'chatter.check_record_readable(text, bigint)'::regprocedure;
SELECT 1 / (NOT p.prosecdef)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.record_readable(text, bigint)'::regprocedure;

ROLLBACK;
