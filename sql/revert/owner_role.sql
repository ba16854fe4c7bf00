-- Revert pgchatter:owner_role from pg

BEGIN;

DROP FUNCTION chatter._grant_to_owner(regclass, text);

-- Roles are cluster-wide: while another database still has objects or grants of chatter_owner, it stays
-- (with its parameter privilege, which that database's tracking uses).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_shdepend AS d
                    WHERE d.refclassid = 'pg_catalog.pg_authid'::regclass
                      AND d.refobjid = (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = 'chatter_owner')
                      AND d.dbid NOT IN (0, (SELECT db.oid FROM pg_catalog.pg_database AS db
                                              WHERE db.datname = current_database()))) THEN
        REVOKE SET ON PARAMETER session_replication_role FROM chatter_owner;
        DROP OWNED BY chatter_owner;
        DROP ROLE chatter_owner;
    ELSE
        RAISE NOTICE 'role chatter_owner kept: another database still uses it';
    END IF;
END
$$;

COMMIT;
