-- Verify pgchatter:activity_check on pg

BEGIN;

SELECT 'chatter._activity_check()'::regprocedure;
SELECT 1 / count(*) FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'chatter.activities'::regclass AND tgname = 'activities_check';

ROLLBACK;
