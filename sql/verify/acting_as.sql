-- Verify pgchatter:acting_as on pg

BEGIN;

-- The acting user's rule runs flat: no call of current_user_id.
SELECT 1 / (p.prosrc LIKE '%u.active%' AND p.prosrc NOT LIKE '%current_user_id%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._acting_as(bigint)'::regprocedure;

SELECT 'chatter._acting_as_sql()'::regprocedure;

ROLLBACK;
