-- Deploy pgchatter:my_channel_ids to pg
-- requires: channel_members, current_user_id

BEGIN;

-- SECURITY DEFINER so that row-level policies can ask "which channels am I in" without the policy on
-- channel_members applying again (which would recurse). It only ever reveals the acting user's own ids.
CREATE FUNCTION chatter._my_channel_ids() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
    SELECT m.channel_id FROM chatter.channel_members AS m WHERE m.user_id = (SELECT chatter.current_user_id())
$$;
COMMENT ON FUNCTION chatter._my_channel_ids() IS
    'Channels the acting user is a member of; used by the row-level policies on channels and messages';

REVOKE EXECUTE ON FUNCTION chatter._my_channel_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._my_channel_ids() TO chatter_app;

COMMIT;
