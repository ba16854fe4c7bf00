-- Revert pgchatter:inbox from pg
-- Restores the v0.3.0 definitions.

BEGIN;

-- The acting user's in-app notifications, newest first, with the seed payload.
CREATE OR REPLACE VIEW chatter.inbox AS
SELECT n.id AS notification_id, n.message_id, n.is_read, n.read_at, n.created_at,
       chatter.notification_payload(n.message_id) AS payload
  FROM chatter.notifications AS n
 WHERE n.user_id = chatter.current_user_id();
COMMENT ON VIEW chatter.inbox IS 'The acting user''s notifications (chatter.user_id), with their payload';

CREATE OR REPLACE FUNCTION chatter.inbox_count("user" bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    who bigint := coalesce("user", chatter.current_user_id());
BEGIN
    PERFORM chatter._acting_as(who);
    RETURN (SELECT count(*) FROM chatter.notifications AS n WHERE n.user_id = who AND NOT n.is_read);
END
$$;
COMMENT ON FUNCTION chatter.inbox_count(bigint) IS 'Unread notifications of a user: the bell''s badge';

CREATE OR REPLACE FUNCTION chatter.mark_notifications_read(notifications bigint[] DEFAULT NULL, "user" bigint DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    who bigint := coalesce("user", chatter.current_user_id());
    marked integer;
BEGIN
    PERFORM chatter._acting_as(who);
    UPDATE chatter.notifications AS n SET is_read = true, read_at = now()
     WHERE n.user_id = who AND NOT n.is_read
       AND (mark_notifications_read.notifications IS NULL OR n.id = ANY (mark_notifications_read.notifications));
    GET DIAGNOSTICS marked = ROW_COUNT;
    RETURN marked;
END
$$;
COMMENT ON FUNCTION chatter.mark_notifications_read(bigint[], bigint) IS
    'Mark a user''s notifications read (all when none are named); returns how many changed';

GRANT SELECT ON chatter.inbox TO chatter_app;
REVOKE EXECUTE ON FUNCTION chatter.inbox_count(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.mark_notifications_read(bigint[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.inbox_count(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.mark_notifications_read(bigint[], bigint) TO chatter_app;

ALTER VIEW chatter.inbox RESET (security_invoker);
ALTER FUNCTION chatter.inbox_count(bigint) SET jit = off;   -- as read_paths_no_jit set it

COMMIT;
