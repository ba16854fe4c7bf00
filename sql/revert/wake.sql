-- Revert pgchatter:wake from pg
-- chatter._wake as in v0.5.0 (the same statements, written out); the template goes.

BEGIN;

CREATE OR REPLACE FUNCTION chatter._wake(channel text) RETURNS void
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

DROP FUNCTION chatter._wake_sql(text);

COMMIT;
