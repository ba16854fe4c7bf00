-- Revert pgchatter:channel_membership from pg
-- Restores the v0.3.0 channel_join, channel_leave and channel_mute.

BEGIN;

-- Who may add whom:
--   * anyone may join a Public channel themselves;
--   * a member may add another user to a Public or Private channel (an invitation);
--   * the system (no acting user) may add anyone to a Public or Private channel;
--   * nobody joins a Direct channel (its pair is fixed) or an archived one.
-- Joining twice changes nothing.
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

-- One leaves for oneself; a Direct channel cannot be left (mute it instead).
CREATE OR REPLACE FUNCTION chatter.channel_leave(channel bigint, "user" bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    ch_kind chatter.channel_kind;
BEGIN
    PERFORM chatter._acting_as("user");
    SELECT c.kind INTO ch_kind FROM chatter.channels AS c WHERE c.id = channel_leave.channel;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'channel % not found', coalesce(channel_leave.channel::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF ch_kind = 'Direct' THEN
        RAISE EXCEPTION 'direct channel % cannot be left', channel_leave.channel
            USING ERRCODE = 'CH004', HINT = 'mute it with chatter.channel_mute()';
    END IF;
    DELETE FROM chatter.channel_members AS m WHERE m.channel_id = channel_leave.channel AND m.user_id = "user";
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % is not a member of channel %', "user", channel_leave.channel USING ERRCODE = 'CH004';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.channel_leave(bigint, bigint) IS
    'A member leaves a Public or Private channel; CH004 for non-members, Direct channels and other users';

CREATE OR REPLACE FUNCTION chatter.channel_mute(channel bigint, "user" bigint, muted boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._acting_as("user");
    IF muted IS NULL THEN
        RAISE EXCEPTION 'muted must be true or false' USING ERRCODE = 'CH005';
    END IF;
    UPDATE chatter.channel_members AS m SET is_muted = channel_mute.muted
     WHERE m.channel_id = channel_mute.channel AND m.user_id = "user";
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % is not a member of channel %', "user", coalesce(channel_mute.channel::text, 'NULL')
            USING ERRCODE = 'CH004';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.channel_mute(bigint, bigint, boolean) IS
    'Mute or unmute a channel for a member: no notifications for ordinary posts, unread still counted';

REVOKE EXECUTE ON FUNCTION chatter.channel_join(bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.channel_leave(bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.channel_mute(bigint, bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.channel_join(bigint, bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.channel_leave(bigint, bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.channel_mute(bigint, bigint, boolean) TO chatter_app;

COMMIT;
