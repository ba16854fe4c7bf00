-- Deploy pgchatter:activity_counts to pg
-- requires: activity_counts@v0.3.0
-- requires: acting_as

BEGIN;

-- An application user asks for its own badge only (CH004 for another user's). Runs as the caller, so
-- activities on records it may not read are not counted (row-level security).
CREATE OR REPLACE FUNCTION chatter.activity_counts("user" bigint DEFAULT NULL)
RETURNS TABLE(overdue bigint, today bigint, planned bigint)
LANGUAGE plpgsql STABLE
SET search_path = ''
SET jit = off
AS $$
DECLARE
    who bigint := coalesce("user", chatter.current_user_id());
BEGIN
    PERFORM chatter._acting_as(who);
    RETURN QUERY
    SELECT count(*) FILTER (WHERE a.deadline < current_date),
           count(*) FILTER (WHERE a.deadline = current_date),
           count(*) FILTER (WHERE a.deadline > current_date)
      FROM chatter.activities AS a
     WHERE a.assigned_to = who AND NOT a.done;
END
$$;

COMMIT;
