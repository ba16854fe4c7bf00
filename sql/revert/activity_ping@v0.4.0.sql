-- Revert pgchatter:activity_ping from pg
-- Restores the v0.3.0 definitions.

BEGIN;

-- The realtime ping that updates the assignee's Activities badge (Fullfinity's best-effort ping).
CREATE OR REPLACE FUNCTION chatter._activity_ping(activity bigint, assignee bigint, event text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
    SELECT pg_catalog.pg_notify('chatter_realtime', pg_catalog.jsonb_build_object(
        'user_id', assignee,
        'type', 'activity_update',
        'data', (SELECT pg_catalog.jsonb_build_object(
                    'kind', 'activity', 'event', event, 'activity_id', a.id, 'model', a.model, 'record', a.record,
                    'name', left(a.name, 200), 'deadline', a.deadline)
                   FROM chatter.activities AS a WHERE a.id = activity))::text)
$$;
COMMENT ON FUNCTION chatter._activity_ping(bigint, bigint, text) IS
    'NOTIFY chatter_realtime {"user_id": assignee, "type": "activity_update", "data": {"kind": "activity", ...}}';
REVOKE EXECUTE ON FUNCTION chatter._activity_ping(bigint, bigint, text) FROM PUBLIC;
-- The trigger runs as whoever writes the row, chatter_app included.
GRANT EXECUTE ON FUNCTION chatter._activity_ping(bigint, bigint, text) TO chatter_app;

-- On create and on reassignment, unless one assigns oneself. A failing ping never fails the write.
CREATE OR REPLACE FUNCTION chatter._activities_ping() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF NEW.done OR (TG_OP = 'UPDATE' AND NEW.assigned_to IS NOT DISTINCT FROM OLD.assigned_to) THEN
        RETURN NULL;
    END IF;
    BEGIN
        IF NEW.assigned_to IS DISTINCT FROM chatter.current_user_id() THEN
            PERFORM chatter._activity_ping(NEW.id, NEW.assigned_to,
                                           CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'assigned' END);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'chatter: activity % ping to user % not sent: %', NEW.id, NEW.assigned_to, SQLERRM;
    END;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION chatter._activities_ping() IS
    'Trigger: ping the assignee of a new or reassigned activity (not on self-assignment; never fails the write)';
REVOKE EXECUTE ON FUNCTION chatter._activities_ping() FROM PUBLIC;


COMMIT;
