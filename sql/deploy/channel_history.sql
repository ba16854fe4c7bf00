-- Deploy pgchatter:channel_history to pg
-- requires: channel_rls

BEGIN;

-- SECURITY INVOKER: row-level security already limits chatter_app to the channels it can see;
-- the explicit checks give a clear error instead of an empty page.
CREATE FUNCTION chatter.channel_history(channel bigint, "limit" integer DEFAULT 50, before_id bigint DEFAULT NULL)
RETURNS SETOF chatter.messages
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter.current_user_id();
    ch_kind chatter.channel_kind;
BEGIN
    IF "limit" IS NULL OR "limit" NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'limit must be between 1 and 1000, got %', coalesce("limit"::text, 'NULL')
            USING ERRCODE = 'CH005';
    END IF;
    SELECT c.kind INTO ch_kind FROM chatter.channels AS c WHERE c.id = channel_history.channel;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'channel % not found', coalesce(channel_history.channel::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF acting IS NOT NULL AND ch_kind <> 'Public' AND NOT EXISTS (
        SELECT FROM chatter.channel_members AS m WHERE m.channel_id = channel_history.channel AND m.user_id = acting
    ) THEN
        RAISE EXCEPTION 'user % is not a member of channel %', acting, channel_history.channel USING ERRCODE = 'CH004';
    END IF;
    RETURN QUERY
        SELECT m.* FROM chatter.messages AS m
         WHERE m.channel_id = channel_history.channel
           AND (channel_history.before_id IS NULL OR m.id < channel_history.before_id)
         ORDER BY m.id DESC
         LIMIT "limit";
END
$$;
COMMENT ON FUNCTION chatter.channel_history(bigint, integer, bigint) IS
    'A page of a channel''s messages, newest first; pass the smallest id seen as before_id for the next page';

REVOKE EXECUTE ON FUNCTION chatter.channel_history(bigint, integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.channel_history(bigint, integer, bigint) TO chatter_app;

COMMIT;
