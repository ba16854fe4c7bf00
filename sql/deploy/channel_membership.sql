-- Deploy pgchatter:channel_membership to pg
-- requires: channel_membership@v0.3.0
-- requires: current_user_id

BEGIN;

-- As in v0.3.0, and a share (portal) user does not join a Public channel by themselves (SPEC 2a: Public
-- channels are readable by internal users).
CREATE OR REPLACE FUNCTION chatter.channel_join(channel bigint, "user" bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter.current_user_id();
    ch chatter.channels;
BEGIN
    IF "user" IS NULL THEN
        RAISE EXCEPTION 'a user is required' USING ERRCODE = 'CH005';
    END IF;
    SELECT c.* INTO ch FROM chatter.channels AS c WHERE c.id = channel_join.channel;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'channel % not found', coalesce(channel_join.channel::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF NOT EXISTS (SELECT FROM chatter.users AS u WHERE u.id = "user") THEN
        RAISE EXCEPTION 'user % not found', "user" USING ERRCODE = 'CH003';
    END IF;
    IF EXISTS (SELECT FROM chatter.channel_members AS m WHERE m.channel_id = ch.id AND m.user_id = "user") THEN
        RETURN;
    END IF;
    IF ch.kind = 'Direct' THEN
        RAISE EXCEPTION 'nobody joins direct channel %', ch.id USING ERRCODE = 'CH004';
    END IF;
    IF ch.is_archived THEN
        RAISE EXCEPTION 'channel % is archived', ch.id USING ERRCODE = 'CH004';
    END IF;
    -- External (share) users see no Public channel (channel_rls): it does not exist for them, and they
    -- join a channel only by a member's invitation.
    IF acting = "user" AND ch.kind = 'Public' AND NOT chatter._acting_internal() THEN
        RAISE EXCEPTION 'channel % not found', ch.id USING ERRCODE = 'CH003';
    END IF;
    IF acting = "user" AND ch.kind = 'Private' THEN
        RAISE EXCEPTION 'private channel % is joined by invitation only', ch.id
            USING ERRCODE = 'CH004', HINT = 'a member adds you with chatter.channel_join(channel, your id)';
    END IF;
    IF acting IS NOT NULL AND acting <> "user" AND NOT EXISTS (
        SELECT FROM chatter.channel_members AS m WHERE m.channel_id = ch.id AND m.user_id = acting
    ) THEN
        RAISE EXCEPTION 'user % is not a member of channel % and cannot add others', acting, ch.id
            USING ERRCODE = 'CH004';
    END IF;
    INSERT INTO chatter.channel_members (channel_id, user_id) VALUES (ch.id, "user") ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION chatter.channel_join(bigint, bigint) IS
    'Add a user to a channel: self-join for Public ones, a member''s invitation for Public and Private; CH004 otherwise';

COMMIT;
