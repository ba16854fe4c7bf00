-- Verify pgchatter:activity_check on pg

BEGIN;

SELECT 1 / count(*)::integer FROM chatter.limits WHERE name = 'activity_title_chars';
SELECT 1 / (p.prosrc LIKE '%activity_title_chars%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._activity_check()'::regprocedure;

ROLLBACK;
