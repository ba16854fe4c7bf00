-- Verify pgchatter:track_generate on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%OWNER TO chatter_owner%' AND p.prosrc LIKE '%chatter._wake_bridges_sql()%')::integer
  FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._track_install(regclass)'::regprocedure;

ROLLBACK;
