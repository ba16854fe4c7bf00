-- Deploy pgchatter:channel_post to pg
-- requires: channel_post@v0.9.0
-- requires: acting_as

BEGIN;

-- SECURITY DEFINER: writes the message, the poster's read marker and last_message_at.
-- As in v0.9.0, but a post that can notify nobody does not call _channel_post_notify (issue 25). Its
-- audience (SPEC 5) is a DM's other member, or the members it mentions; channel_post writes no
-- recipients. A body without '@' or '&#' (an @ may be written &#64;) holds no mention, as
-- chatter._mentioned_contacts and message_audience decide. Outside a DM such a post has no audience, and
-- the call found that out for 0.31 M of the post's 1.63 M instructions (callgrind,
-- bench/chat_post_instructions.py): the audience query, the notifications INSERT and two probes started.
-- And who acts is checked flat (chatter._acting_as_sql, the code of _acting_as), which also yields the
-- acting user's contact, the author: no call of _acting_as, no lookup of the author in the INSERT
-- (85,000 instructions a post together, issue 25).
DO $do$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION chatter.channel_post(channel bigint, "user" bigint, body text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $body$
DECLARE
    raw text;
    acting bigint;
    contact bigint;
    ch chatter.channels;
    new_id bigint;
BEGIN
    %s
    IF body IS NULL OR btrim(body) = '' THEN
        RAISE EXCEPTION 'a chat message needs a body' USING ERRCODE = 'CH005';
    END IF;
    SELECT c.* INTO ch FROM chatter.channels AS c WHERE c.id = channel_post.channel;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'channel %% not found', coalesce(channel_post.channel::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF NOT EXISTS (SELECT FROM chatter.channel_members AS m WHERE m.channel_id = ch.id AND m.user_id = "user") THEN
        RAISE EXCEPTION 'user %% is not a member of channel %%', "user", ch.id USING ERRCODE = 'CH004';
    END IF;
    IF ch.is_archived THEN
        RAISE EXCEPTION 'channel %% is archived', ch.id USING ERRCODE = 'CH004';
    END IF;
    -- The author: the acting user's contact, found above; the system names any user.
    IF contact IS NULL THEN
        SELECT u.contact_id INTO contact FROM chatter.users AS u WHERE u.id = "user";
    END IF;

    INSERT INTO chatter.messages (message_type, subtype_id, body, author_id, channel_id)
    VALUES ('Message', (SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'comment'), channel_post.body,
            contact, ch.id)
    RETURNING id INTO new_id;

    -- One's own message is read; markers never move backwards.
    UPDATE chatter.channel_members AS m
       SET last_read_message = greatest(m.last_read_message, new_id)
     WHERE m.channel_id = ch.id AND m.user_id = "user";
    UPDATE chatter.channels AS c SET last_message_at = now() WHERE c.id = ch.id;

    -- Only a post that may have an audience: a DM, or a body that may hold a mention.
    IF ch.kind = 'Direct' OR strpos(channel_post.body, '@') > 0 OR strpos(channel_post.body, '&#') > 0 THEN
        PERFORM chatter._channel_post_notify(new_id);
    END IF;
    RETURN new_id;
END
$body$
$fn$, chatter._acting_as_sql());
END
$do$;

COMMIT;
