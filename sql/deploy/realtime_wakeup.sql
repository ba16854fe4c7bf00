-- Deploy pgchatter:realtime_wakeup to pg
-- requires: realtime_wakeup@v0.7.0
-- requires: wake

BEGIN;

-- The bridges' wake-up rule, once, as PL/pgSQL code (issue 23): off with chatter.realtime = off, then the
-- throttle (chatter._wake_sql) on chatter_bridge. Three functions run it, each flat, with no nested call:
-- chatter._wake_bridges() (writers that call it), the trigger function below, and the generated tracking
-- functions (track_generate), which paste it after their INSERT. Before, a tracked single-row UPDATE woke
-- the bridges through chatter._wake_bridges and chatter._wake, two more calls with a SET clause each
-- (about 40 µs of backend CPU of ~200, measured 2026-12-07).
CREATE FUNCTION chatter._wake_bridges_sql() RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
SELECT 'IF coalesce(pg_catalog.lower(pg_catalog.current_setting(''chatter.realtime'', true)), '''') <> ''off'' THEN '
       || chatter._wake_sql('''chatter_bridge''') || ' END IF;'
$$;
COMMENT ON FUNCTION chatter._wake_bridges_sql() IS
    'PL/pgSQL code of the bridges'' wake-up: throttled NOTIFY chatter_bridge, off with chatter.realtime = off';
REVOKE EXECUTE ON FUNCTION chatter._wake_bridges_sql() FROM PUBLIC;
ALTER FUNCTION chatter._wake_bridges_sql() OWNER TO chatter_owner;

-- No EXCEPTION block in the flat copies: they call no function a writer could lack the right to (built-ins
-- only), and a full NOTIFY queue fails at commit, where no block of a function could catch it anyway.
DO $do$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter._wake_bridges() RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $body$
BEGIN
    %s
END
$body$
$fn$, chatter._wake_bridges_sql());
    -- The statement trigger that wakes the bridges after any INSERT into chatter.messages but the tracking
    -- functions' (chatter.wakes_bridges = on: they wake them themselves, once per statement).
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter._wake_bridge() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $body$
BEGIN
    %s
    RETURN NULL;
END
$body$
$fn$, chatter._wake_bridges_sql());
END
$do$;
COMMENT ON FUNCTION chatter._wake_bridges() IS
    'Throttled NOTIFY chatter_bridge (chatter._wake_bridges_sql), off with chatter.realtime = off';

COMMIT;
