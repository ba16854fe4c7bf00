-- Deploy pgchatter:realtime_wakeup to pg
-- requires: realtime_wakeup@v0.6.0

BEGIN;

-- The bridges' wake-up rule, in one place: through the one throttle (chatter._wake), off with
-- chatter.realtime = off. Called by the trigger below and by writers that wake the bridges themselves.
CREATE FUNCTION chatter._wake_bridges() RETURNS void
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
REVOKE EXECUTE ON FUNCTION chatter._wake_bridges() FROM PUBLIC;
-- The trigger runs as the writer, as chatter._wake does (wake.sql): a plain INSERT wakes the bridges too.
GRANT EXECUTE ON FUNCTION chatter._wake_bridges() TO chatter_app;
ALTER FUNCTION chatter._wake_bridges() OWNER TO chatter_owner;

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

-- A writer that wakes the bridges itself runs with chatter.wakes_bridges = on (a SET clause of its
-- function): the generated tracking functions, which wake them once per statement that wrote messages.
-- Its INSERTs then fire no trigger at all: the trigger cost a single-row tracked UPDATE about 15 µs of
-- its ~115 µs of backend CPU (issue 23), the WHEN test costs next to nothing.
-- A non-superuser may store a custom parameter in a function's SET clause only when granted it (PostgreSQL
-- 15): the generated functions are created by chatter_owner (enable, the DDL event trigger).
GRANT SET ON PARAMETER chatter.wakes_bridges TO chatter_owner;
DROP TRIGGER messages_wake_bridge ON chatter.messages;
CREATE TRIGGER messages_wake_bridge AFTER INSERT ON chatter.messages FOR EACH STATEMENT
    WHEN (pg_catalog.current_setting('chatter.wakes_bridges', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION chatter._wake_bridge();
-- ALWAYS: bulk tracking inserts run in replica mode to skip per-row FK checks (track_generate).
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_wake_bridge;

COMMIT;
