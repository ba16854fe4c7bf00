-- Deploy pgchatter:activity_ping to pg
-- requires: activity_ping@v0.4.0
-- requires: wake

BEGIN;

-- As in v0.4.0, the bridges woken through the one throttle (chatter._wake): a NOTIFY in every
-- transaction that pings serialised their commits.
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
    PERFORM chatter._wake('chatter_bridge');
END
$$;
COMMIT;
