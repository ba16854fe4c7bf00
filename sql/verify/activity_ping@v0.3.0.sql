-- Verify pgchatter:activity_ping on pg

BEGIN;

SELECT 'chatter._activity_ping(bigint, bigint, text)'::regprocedure, 'chatter._activities_ping()'::regprocedure;
SELECT 1 / count(*) FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'chatter.activities'::regclass AND tgname = 'activities_ping';

ROLLBACK;
