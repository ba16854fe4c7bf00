-- Verify pgchatter:activity_types_protect on pg

BEGIN;

SELECT 'chatter._activity_types_protect()'::regprocedure;
SELECT 1 / count(*) FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'chatter.activity_types'::regclass AND tgname = 'activity_types_protect';

ROLLBACK;
