-- Verify pgchatter:roles on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_roles WHERE rolname = 'chatter_app' AND NOT rolcanlogin;
SELECT 1 / pg_catalog.has_schema_privilege('chatter_app', 'chatter', 'usage')::int;

ROLLBACK;
