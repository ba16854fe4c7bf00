-- Deploy pgchatter:wake to pg
-- requires: wake@v0.7.0

BEGIN;

-- The throttle rule, once, as PL/pgSQL code (issue 23): chatter._wake is generated from it, and so are the
-- flat wake-ups of the bridges (realtime_wakeup: the trigger on chatter.messages and the tracking
-- functions), which run the same statements inline instead of calling chatter._wake. A call of a PL/pgSQL
-- function with a SET clause costs a GUC save and restore, and a search_path change makes the next query
-- look up its schemas again: the three nested calls of a tracked single-row UPDATE's wake-up cost more
-- than the UPDATE itself. channel is an SQL expression of type text (a parameter's name, or a quoted
-- literal). The rule: off with chatter.wakeups = off; only the transaction holding the channel's
-- advisory lock sends the NOTIFY (a NOTIFY per transaction cost about 3x throughput at 32 writers).
CREATE FUNCTION chatter._wake_sql(channel text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
SELECT 'IF coalesce(pg_catalog.lower(pg_catalog.current_setting(''chatter.wakeups'', true)), '''') <> ''off'' '
       || 'AND pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext(' || channel || ')) THEN '
       || 'PERFORM pg_catalog.pg_notify(' || channel || ', ''''); END IF;'
$$;
COMMENT ON FUNCTION chatter._wake_sql(text) IS
    'PL/pgSQL code of the throttled NOTIFY on channel (an SQL expression): chatter._wake and the flat wake-ups run it';
REVOKE EXECUTE ON FUNCTION chatter._wake_sql(text) FROM PUBLIC;
ALTER FUNCTION chatter._wake_sql(text) OWNER TO chatter_owner;

-- As in v0.5.0, from the template. A wake-up never fails the write it follows: an error here is a WARNING.
DO $do$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter._wake(channel text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $body$
BEGIN
    %s
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'chatter: wake-up on %% not sent: %%', channel, SQLERRM;
END
$body$
$fn$, chatter._wake_sql('channel'));
END
$do$;

COMMIT;
