-- Verify pgchatter:activity_check on pg

BEGIN;

SELECT 1 / (NOT p.prosecdef AND p.prosrc LIKE '%check_record_readable%')::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._activity_check()'::regprocedure;

ROLLBACK;
