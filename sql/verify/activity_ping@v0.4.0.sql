-- Verify pgchatter:activity_ping on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%realtime_events%')::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._activity_ping(bigint, bigint, text)'::regprocedure;
SELECT 1 / (NOT pg_catalog.has_function_privilege('chatter_app', 'chatter._activity_ping(bigint, bigint, text)',
                                                  'EXECUTE'))::integer;

ROLLBACK;
