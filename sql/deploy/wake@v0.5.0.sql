-- Deploy pgchatter:wake to pg
-- requires: ownership

BEGIN;

-- The one wake-up of the daemons (the listener on chatter_outbox, the bridges on chatter_bridge). NOTIFY
-- makes every committing transaction take a global lock: a NOTIFY per transaction cost about 3x
-- throughput at 32 writers. So only the transaction holding the channel's advisory lock sends it; the
-- others skip it. Nothing is lost by a skip: the daemons read rows by id, drain after each wake-up and poll
-- on a timer. A wake-up never fails the write it follows (a full NOTIFY queue is a WARNING), and
-- `SET chatter.wakeups = off` silences it (bulk loads, benchmarks).
CREATE FUNCTION chatter._wake(channel text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF coalesce(lower(pg_catalog.current_setting('chatter.wakeups', true)), '') = 'off' THEN
        RETURN;
    END IF;
    IF pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext(channel)) THEN
        PERFORM pg_catalog.pg_notify(channel, '');
    END IF;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'chatter: wake-up on % not sent: %', channel, SQLERRM;
END
$$;
COMMENT ON FUNCTION chatter._wake(text) IS
    'Throttled NOTIFY channel: at most one among concurrent transactions; off with chatter.wakeups = off';

REVOKE EXECUTE ON FUNCTION chatter._wake(text) FROM PUBLIC;
ALTER FUNCTION chatter._wake(text) OWNER TO chatter_owner;

COMMIT;
