-- Revert pgchatter:inbox from pg: inbox_count as of @v0.5.0 (exact)

BEGIN;

CREATE OR REPLACE FUNCTION chatter.inbox_count("user" bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql STABLE
SECURITY INVOKER
SET search_path = ''
SET jit = off
AS $$
DECLARE
    who bigint := coalesce("user", chatter.current_user_id());
BEGIN
    PERFORM chatter._acting_as(who);
    RETURN (SELECT count(*) FROM chatter.notifications AS n WHERE n.user_id = who AND NOT n.is_read);
END
$$;

COMMENT ON FUNCTION chatter.inbox_count(bigint) IS 'Unread notifications of a user: the bell''s badge';

COMMIT;
