-- Revert pgchatter:activity_ping from pg
-- Restores the v0.4.0 ping with its own NOTIFY.

BEGIN;

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
COMMIT;
