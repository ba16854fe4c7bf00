-- Revert pgchatter:activity_counts from pg
-- Restores the v0.3.0 definitions.

BEGIN;

-- The Activities badge: one index range over activities_assigned_open_idx.
CREATE OR REPLACE FUNCTION chatter.activity_counts("user" bigint DEFAULT NULL)
RETURNS TABLE(overdue bigint, today bigint, planned bigint)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT count(*) FILTER (WHERE a.deadline < current_date),
           count(*) FILTER (WHERE a.deadline = current_date),
           count(*) FILTER (WHERE a.deadline > current_date)
      FROM chatter.activities AS a
     WHERE a.assigned_to = coalesce("user", chatter.current_user_id()) AND NOT a.done
$$;
COMMENT ON FUNCTION chatter.activity_counts(bigint) IS
    'Open activities of a user (default: the acting user) by state, for the Activities badge';

REVOKE EXECUTE ON FUNCTION chatter.activity_counts(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.activity_counts(bigint) TO chatter_app;

ALTER FUNCTION chatter.activity_counts(bigint) SET jit = off;   -- as read_paths_no_jit set it

COMMIT;
