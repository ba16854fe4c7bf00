-- Deploy pgchatter:realtime_wakeup to pg
-- requires: messages, channel_rls

BEGIN;

-- Wakes the WebSocket bridges after messages were written, on its own channel chatter_bridge (the events
-- of chatter_realtime stay as they are). Like the outbox wake-up it is only a hint and
-- throttled: at most one NOTIFY among concurrent transactions (a NOTIFY in every transaction serialises
-- commits). The bridge reads the new messages and notifications by id, so a skipped hint costs latency,
-- never an event; it polls again shortly after every wake-up and on a timer.
CREATE FUNCTION chatter._wake_bridge() RETURNS trigger
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
COMMENT ON FUNCTION chatter._wake_bridge() IS
    'Trigger: throttled NOTIFY chatter_bridge after messages are inserted (off with chatter.realtime = off)';
REVOKE EXECUTE ON FUNCTION chatter._wake_bridge() FROM PUBLIC;

CREATE TRIGGER messages_wake_bridge AFTER INSERT ON chatter.messages
    FOR EACH STATEMENT EXECUTE FUNCTION chatter._wake_bridge();
-- ALWAYS: bulk tracking inserts run in replica mode to skip per-row FK checks (track_generate); the
-- wake-up must fire for them too.
ALTER TABLE chatter.messages ENABLE ALWAYS TRIGGER messages_wake_bridge;

COMMIT;
