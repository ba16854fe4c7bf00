-- Revert pgchatter:realtime_wakeup from pg
-- Restores the v0.6.0 trigger (no WHEN) and its function; chatter._wake_bridges goes.

BEGIN;

CREATE OR REPLACE FUNCTION chatter._wake_bridge() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF coalesce(lower(pg_catalog.current_setting('chatter.realtime', true)), '') <> 'off' THEN
        PERFORM chatter._wake('chatter_bridge');
    END IF;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN    -- a writer without the right to wake (a plain INSERT under a policy)
    RAISE WARNING 'chatter: bridge wake-up not sent: %', SQLERRM;
    RETURN NULL;
END
$$;

DROP TRIGGER messages_wake_bridge ON chatter.messages;
CREATE TRIGGER messages_wake_bridge AFTER INSERT ON chatter.messages
    FOR EACH STATEMENT EXECUTE FUNCTION chatter._wake_bridge();
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_wake_bridge;

DROP FUNCTION chatter._wake_bridges();

-- Parameter privileges are cluster-wide: revoked only when no other database uses chatter_owner (as the
-- revert of owner_role decides), since its tracking functions are regenerated with that SET clause.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_shdepend AS d
                    WHERE d.refclassid = 'pg_catalog.pg_authid'::regclass
                      AND d.refobjid = (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = 'chatter_owner')
                      AND d.dbid NOT IN (0, (SELECT db.oid FROM pg_catalog.pg_database AS db
                                              WHERE db.datname = current_database()))) THEN
        REVOKE SET ON PARAMETER chatter.wakes_bridges FROM chatter_owner;
    END IF;
END
$$;

COMMIT;
