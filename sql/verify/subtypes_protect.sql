-- Verify pgchatter:subtypes_protect on pg

BEGIN;

SELECT 1 / count(*)::integer FROM chatter.subtypes AS s WHERE s.identifier = 'tracking';
SELECT 1 / (count(*) = 2)::integer FROM pg_catalog.pg_trigger AS t
 WHERE t.tgrelid = 'chatter.subtypes'::regclass AND t.tgname IN ('subtypes_protect', 'subtypes_protect_truncate')
   AND t.tgenabled = 'A';
SELECT has_function_privilege('chatter._subtypes_protect()', 'EXECUTE');

ROLLBACK;
