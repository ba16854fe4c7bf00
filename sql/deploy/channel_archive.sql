-- Deploy pgchatter:channel_archive to pg
-- requires: create_channel
-- requires: channel_rls

BEGIN;

-- Archiving: a channel keeps its members and history, takes no new posts and no new members
-- (channel_post and channel_join refuse an archived channel); unarchiving undoes it. Channels have no admin
-- role: the one who may is the channel's creator, and the system (no acting user). A channel the acting
-- user cannot see is CH003, as if it did not exist; a Direct channel, or someone else's, is CH004.
-- SECURITY DEFINER: chatter_app may not write chatter.channels.
CREATE FUNCTION chatter._channel_set_archived(channel bigint, archived boolean) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    acting bigint := chatter.current_user_id();
    ch chatter.channels;
BEGIN
    SELECT c.* INTO ch FROM chatter.channels AS c WHERE c.id = _channel_set_archived.channel FOR UPDATE;
    IF NOT FOUND OR acting IS NOT NULL AND NOT (
        ch.kind = 'Public' AND chatter._acting_internal()
        OR EXISTS (SELECT FROM chatter.channel_members AS m WHERE m.channel_id = ch.id AND m.user_id = acting)) THEN
        RAISE EXCEPTION 'channel % not found', coalesce(_channel_set_archived.channel::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF ch.kind = 'Direct' THEN
        RAISE EXCEPTION 'direct channel % is not archived', ch.id USING ERRCODE = 'CH004';
    END IF;
    IF acting IS NOT NULL AND acting IS DISTINCT FROM ch.created_by THEN
        RAISE EXCEPTION 'only the creator of channel % (un)archives it', ch.id USING ERRCODE = 'CH004';
    END IF;
    UPDATE chatter.channels AS c SET is_archived = _channel_set_archived.archived WHERE c.id = ch.id;
END
$$;
COMMENT ON FUNCTION chatter._channel_set_archived(bigint, boolean) IS
    'Definer part of channel_archive / channel_unarchive: the creator or the system; CH003 unseen, CH004 otherwise';

CREATE FUNCTION chatter.channel_archive(channel bigint) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
BEGIN ATOMIC
    SELECT chatter._channel_set_archived(channel_archive.channel, true);
END;
COMMENT ON FUNCTION chatter.channel_archive(bigint) IS
    'Archive a Public or Private channel (its creator, or the system): history kept, no new posts or members';

CREATE FUNCTION chatter.channel_unarchive(channel bigint) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
BEGIN ATOMIC
    SELECT chatter._channel_set_archived(channel_unarchive.channel, false);
END;
COMMENT ON FUNCTION chatter.channel_unarchive(bigint) IS 'Undo channel_archive (the same rights)';

ALTER FUNCTION chatter._channel_set_archived(bigint, boolean) OWNER TO chatter_owner;
ALTER FUNCTION chatter.channel_archive(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter.channel_unarchive(bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter._channel_set_archived(bigint, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.channel_archive(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.channel_unarchive(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._channel_set_archived(bigint, boolean) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.channel_archive(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.channel_unarchive(bigint) TO chatter_app;

COMMIT;
