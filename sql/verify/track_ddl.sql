-- Verify pgchatter:track_ddl on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%_readable_install%')::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._track_on_ddl()'::regprocedure;

ROLLBACK;
