-- Verify pgchatter:owner_role on pg

BEGIN;

SELECT 1 / (NOT (r.rolsuper OR r.rolcanlogin OR r.rolcreaterole))::integer
  FROM pg_catalog.pg_roles AS r WHERE r.rolname = 'chatter_owner';
SELECT 1 / pg_catalog.has_parameter_privilege('chatter_owner', 'session_replication_role', 'SET')::integer;
SELECT 'chatter._grant_to_owner(regclass, text)'::regprocedure;

ROLLBACK;
