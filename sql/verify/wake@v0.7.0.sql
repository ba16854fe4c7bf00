-- Verify pgchatter:wake on pg

BEGIN;

SELECT 1 / pg_catalog.has_function_privilege('chatter_app', 'chatter._wake(text)', 'EXECUTE')::integer;

ROLLBACK;
