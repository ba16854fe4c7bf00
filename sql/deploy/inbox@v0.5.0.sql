-- Deploy pgchatter:inbox to pg
-- requires: inbox@v0.3.0
-- requires: current_user_id

BEGIN;

-- SPEC 2a: the inbox and the bell count what the user may read. Both run as the caller, so the
-- row-level policy on notifications (record_rls_rows) hides the notifications of messages the user can no
-- longer read (a record hidden by the application's own policies, a channel left).
ALTER VIEW chatter.inbox SET (security_invoker = true);

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

COMMIT;
