-- Verify pgchatter:wake on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('chatter_app', 'chatter._wake(text)', 'EXECUTE')::integer;
-- chatter._wake is generated from the template.
SELECT 1 / (pg_catalog.strpos(p.prosrc, chatter._wake_sql('channel')) > 0)::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._wake(text)'::regprocedure;

ROLLBACK;
