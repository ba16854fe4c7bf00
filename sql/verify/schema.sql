-- Verify pgchatter:schema on pg

BEGIN;

SELECT pg_catalog.has_schema_privilege('chatter', 'usage');

ROLLBACK;
