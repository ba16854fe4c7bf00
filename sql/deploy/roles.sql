-- Deploy pgchatter:roles to pg
-- requires: schema

BEGIN;

-- Roles are cluster-wide: several databases (a test one, a demo one) share them.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'chatter_app') THEN
        CREATE ROLE chatter_app NOLOGIN;
    END IF;
END
$$;
COMMENT ON ROLE chatter_app IS
    'Application users act as this role (SET ROLE) with chatter.user_id set; row-level security applies to it';

GRANT USAGE ON SCHEMA chatter TO chatter_app;

COMMIT;
