-- Revert pgchatter:realtime_wakeup from pg
-- chatter._wake_bridges and the trigger function as in v0.7.0 (through chatter._wake); the template goes.

BEGIN;

CREATE OR REPLACE FUNCTION chatter._wake_bridges() RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF coalesce(lower(pg_catalog.current_setting('chatter.realtime', true)), '') <> 'off' THEN
        PERFORM chatter._wake('chatter_bridge');
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._wake_bridges() IS
    'Throttled NOTIFY chatter_bridge (chatter._wake), off with chatter.realtime = off';

CREATE OR REPLACE FUNCTION chatter._wake_bridge() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._wake_bridges();
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN    -- a writer without the right to wake (a plain INSERT under a policy)
    RAISE WARNING 'chatter: bridge wake-up not sent: %', SQLERRM;
    RETURN NULL;
END
$$;

DROP FUNCTION chatter._wake_bridges_sql();

COMMIT;
