-- Verify pgchatter:audience_grants on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('chatter_app', 'chatter.message_audience(bigint)', 'EXECUTE')::int;

ROLLBACK;
