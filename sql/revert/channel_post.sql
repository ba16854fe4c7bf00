-- Revert pgchatter:channel_post from pg: back to its @v0.9.0 definition (every post calls
-- _channel_post_notify)

BEGIN;

CREATE OR REPLACE FUNCTION chatter.channel_post(channel bigint, "user" bigint, body text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    ch chatter.channels;
    new_id bigint;
BEGIN
    PERFORM chatter._acting_as("user");
    IF body IS NULL OR btrim(body) = '' THEN
        RAISE EXCEPTION 'a chat message needs a body' USING ERRCODE = 'CH005';
    END IF;
    SELECT c.* INTO ch FROM chatter.channels AS c WHERE c.id = channel_post.channel;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'channel % not found', coalesce(channel_post.channel::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF NOT EXISTS (SELECT FROM chatter.channel_members AS m WHERE m.channel_id = ch.id AND m.user_id = "user") THEN
        RAISE EXCEPTION 'user % is not a member of channel %', "user", ch.id USING ERRCODE = 'CH004';
    END IF;
    IF ch.is_archived THEN
        RAISE EXCEPTION 'channel % is archived', ch.id USING ERRCODE = 'CH004';
    END IF;

    INSERT INTO chatter.messages (message_type, subtype_id, body, author_id, channel_id)
    VALUES ('Message', (SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'comment'), channel_post.body,
            (SELECT u.contact_id FROM chatter.users AS u WHERE u.id = "user"), ch.id)
    RETURNING id INTO new_id;

    -- One's own message is read; markers never move backwards.
    UPDATE chatter.channel_members AS m
       SET last_read_message = greatest(m.last_read_message, new_id)
     WHERE m.channel_id = ch.id AND m.user_id = "user";
    UPDATE chatter.channels AS c SET last_message_at = now() WHERE c.id = ch.id;

    PERFORM chatter._channel_post_notify(new_id);
    RETURN new_id;
END
$$;

COMMIT;
