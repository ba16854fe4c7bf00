-- Deploy pgchatter:realtime_wakeup to pg
-- requires: realtime_wakeup@v0.4.0
-- requires: wake

BEGIN;

-- The bridges' wake-up after messages are inserted, through the one throttle (chatter._wake); still off
-- with chatter.realtime = off.
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

COMMIT;
