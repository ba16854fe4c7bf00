-- Deploy pgchatter:activity_ping to pg
-- requires: activity_ping@v0.3.0
-- requires: realtime_events

BEGIN;

-- The ping is a row of chatter.realtime_events plus a bare wake-up: the relay reads the row by id, so a
-- NOTIFY sent by anyone else carries nothing to a socket. Events older than an hour are pruned here
-- (a socket that reconnects later re-reads its badge anyway).
CREATE OR REPLACE FUNCTION chatter._activity_ping(activity bigint, assignee bigint, event text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    INSERT INTO chatter.realtime_events (user_id, data)
    SELECT assignee, pg_catalog.jsonb_build_object(
               'kind', 'activity', 'event', event, 'activity_id', a.id, 'model', a.model, 'record', a.record,
               'name', left(a.name, 200), 'deadline', a.deadline)
      FROM chatter.activities AS a WHERE a.id = activity;
    DELETE FROM chatter.realtime_events AS e WHERE e.created_at < now() - interval '1 hour';
    PERFORM pg_catalog.pg_notify('chatter_bridge', '');
END
$$;
COMMENT ON FUNCTION chatter._activity_ping(bigint, bigint, text) IS
    'A realtime_events row {"kind": "activity", ...} for the assignee, and a wake-up of the bridges';
-- Only the trigger below calls it: a direct call could ping anyone about any activity.
REVOKE EXECUTE ON FUNCTION chatter._activity_ping(bigint, bigint, text) FROM chatter_app;

-- SECURITY DEFINER: the trigger fires for chatter_app's writes and writes realtime_events, which
-- chatter_app may not. A trigger function cannot be called directly.
ALTER FUNCTION chatter._activities_ping() SECURITY DEFINER;

COMMIT;
