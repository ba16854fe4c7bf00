-- Revert pgchatter:realtime_wakeup from pg
-- Restores the v0.4.0 trigger function with its own throttle.

BEGIN;

CREATE OR REPLACE FUNCTION chatter._wake_bridge() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF coalesce(lower(pg_catalog.current_setting('chatter.realtime', true)), '') = 'off'
       OR coalesce(lower(pg_catalog.current_setting('chatter.wakeups', true)), '') = 'off' THEN
        RETURN NULL;
    END IF;
    IF pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('chatter_realtime_wake')) THEN
        PERFORM pg_catalog.pg_notify('chatter_bridge', '');
    END IF;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'chatter: bridge wake-up not sent: %', SQLERRM;
    RETURN NULL;
END
$$;
COMMIT;
