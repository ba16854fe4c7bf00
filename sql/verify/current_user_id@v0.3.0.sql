-- Verify pgchatter:current_user_id on pg

BEGIN;

SELECT pg_catalog.has_function_privilege('chatter.current_user_id()', 'execute');
SELECT 1 / (l.lanname = 'plpgsql')::integer
  FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_language AS l ON l.oid = p.prolang
 WHERE p.oid = 'chatter.current_contact_id()'::regprocedure;

ROLLBACK;
