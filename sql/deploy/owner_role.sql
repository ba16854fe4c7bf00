-- Deploy pgchatter:owner_role to pg
-- requires: roles

BEGIN;

-- The owner of chatter's objects, SECURITY DEFINER functions included (SPEC 2a): not a superuser, no
-- login, and not a member of chatter_app. A flaw in a definer function is then a flaw with chatter_owner's
-- privileges: chatter's own tables and SELECT on the tables opted in, never the cluster.
-- BYPASSRLS: an application's table may have row-level security for its own roles; chatter_owner reads
-- every row of the tables granted to it (the system's existence checks, contact columns of any record,
-- display names), as the superuser owner did. It holds no privilege on any other table.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'chatter_owner') THEN
        CREATE ROLE chatter_owner;
    END IF;
END
$$;
ALTER ROLE chatter_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS;
COMMENT ON ROLE chatter_owner IS
    'Owns the chatter schema and its SECURITY DEFINER functions; not a superuser (docs/security.md)';

-- The bulk tracking path switches per-row foreign-key checks off for one INSERT (chatter._track_bulk_begin)
-- with session_replication_role, a superuser parameter unless granted (PostgreSQL 15).
GRANT SET ON PARAMETER session_replication_role TO chatter_owner;

-- chatter_owner reads the tables opted in (contact columns, display names, existence for the system) and
-- the tables their tracked foreign keys reference (display names in tracking messages). enable() and the
-- tracking generator grant it here, as the table's owner or a superuser; CH005 says which grant is
-- missing when they cannot (an ALTER TABLE run by someone else then fails with that message, rather than
-- every later write to the table).
CREATE FUNCTION chatter._grant_to_owner(tbl regclass, privilege text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF privilege NOT IN ('SELECT', 'TRIGGER') THEN
        RAISE EXCEPTION 'unexpected privilege %', privilege USING ERRCODE = 'CH005';
    END IF;
    IF pg_catalog.has_table_privilege('chatter_owner', tbl, privilege) THEN
        RETURN;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format('GRANT %s ON %s TO chatter_owner', privilege, tbl);
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;   -- answered below, with the grant to make
    END;
    IF NOT pg_catalog.has_table_privilege('chatter_owner', tbl, privilege) THEN
        RAISE EXCEPTION 'chatter_owner may not % %', lower(privilege), tbl USING ERRCODE = 'CH005',
            HINT = pg_catalog.format('as the owner of %s: GRANT %s ON %s TO chatter_owner', tbl, privilege, tbl);
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._grant_to_owner(regclass, text) IS
    'Grant chatter_owner SELECT or TRIGGER on a table, or CH005 naming the grant the caller could not make';
REVOKE EXECUTE ON FUNCTION chatter._grant_to_owner(regclass, text) FROM PUBLIC;

COMMIT;
