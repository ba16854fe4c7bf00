-- Deploy pgchatter:message_lifecycle to pg
-- requires: message_html
-- requires: record_rls_rows
-- requires: wake
-- requires: vouchers

BEGIN;

-- Messages that live (SPEC 5, issue 21): the author edits or deletes a message, anyone who may read it
-- reacts to it, and each user stars the messages they want to find again. The rules sit in SQL as
-- everywhere else: reactions and stars are plain tables under row-level security (an application writing
-- them as chatter_app meets the same rules as the functions below); edit and delete change rows chatter_app
-- cannot write, so they are SECURITY INVOKER wrappers that vouch for the record in the caller's context
-- over SECURITY DEFINER parts that redeem the voucher (as create_message does).

ALTER TABLE chatter.messages ADD COLUMN edited_at timestamptz, ADD COLUMN deleted_at timestamptz;
COMMENT ON COLUMN chatter.messages.edited_at IS 'When the author last edited the body or subject; NULL if never';
COMMENT ON COLUMN chatter.messages.deleted_at IS
    'When the author deleted it: the row stays as a tombstone, without body, subject, attachments or notifications';

INSERT INTO chatter.limits (name, value, description) VALUES ('emoji_chars', 32, 'characters in a reaction emoji');

-- Changes to existing messages (edit, delete, reactions), as rows the bridges' relay reads by id, as it
-- reads new messages: it re-reads the message in its one wire shape and sends it to the record's viewers
-- or the channel's members. `users`: whose notifications of the message were removed (their inbox count
-- dropped). No foreign key: a message deleted by the system takes its reactions along, whose trigger
-- still writes here. Only chatter's own definer code writes (chatter_app has no privilege); kept an hour.
CREATE TABLE chatter.message_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id bigint NOT NULL,
    users      bigint[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE chatter.message_events IS
    'A message changed (edited, deleted, reacted to): the relay sends it again to whoever sees it; kept an hour';
COMMENT ON COLUMN chatter.message_events.users IS 'Users whose notification of the message was removed';
CREATE INDEX message_events_created_at_idx ON chatter.message_events (created_at);
ALTER TABLE chatter.message_events ENABLE ROW LEVEL SECURITY;   -- no policy: chatter_app sees nothing

-- Called by the definer writers below: one event row, the old ones pruned, the bridges woken (throttled).
CREATE FUNCTION chatter._message_changed(message bigint, users bigint[] DEFAULT '{}') RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    INSERT INTO chatter.message_events (message_id, users) VALUES (message, coalesce(users, '{}'));
    IF random() < 0.01 THEN
        DELETE FROM chatter.message_events AS e WHERE e.created_at < now() - interval '1 hour';
    END IF;
    PERFORM chatter._wake('chatter_bridge');
END
$$;
COMMENT ON FUNCTION chatter._message_changed(bigint, bigint[]) IS
    'A message changed: a chatter.message_events row for the relay and a throttled wake-up';

-- Reactions: one per (message, contact, emoji). Read with the message (row-level security asks whether
-- the message is readable, per reaction row: a message without reactions costs one index probe).
CREATE TABLE chatter.reactions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id bigint NOT NULL REFERENCES chatter.messages (id) ON DELETE CASCADE,
    contact_id bigint NOT NULL REFERENCES chatter.contacts (id) ON DELETE CASCADE,
    emoji      text NOT NULL CHECK (emoji <> '' AND emoji !~ '[[:space:]<>&"]'),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reactions_message_contact_emoji_key UNIQUE (message_id, contact_id, emoji)
);
COMMENT ON TABLE chatter.reactions IS 'Emoji reactions to messages: one per message, contact and emoji';
CREATE INDEX reactions_contact_id_idx ON chatter.reactions (contact_id);

ALTER TABLE chatter.reactions ENABLE ROW LEVEL SECURITY;
CREATE POLICY reactions_read ON chatter.reactions FOR SELECT TO chatter_app
    USING (EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = reactions.message_id));
CREATE POLICY reactions_add ON chatter.reactions FOR INSERT TO chatter_app
    WITH CHECK (contact_id = (SELECT chatter.current_contact_id())
                AND EXISTS (SELECT FROM chatter.messages AS m
                             WHERE m.id = reactions.message_id AND m.deleted_at IS NULL));
CREATE POLICY reactions_remove ON chatter.reactions FOR DELETE TO chatter_app
    USING (contact_id = (SELECT chatter.current_contact_id()));
GRANT SELECT, DELETE ON chatter.reactions TO chatter_app;
GRANT INSERT (message_id, contact_id, emoji) ON chatter.reactions TO chatter_app;

-- SECURITY DEFINER: a trigger (nobody calls it) that reads chatter.limits and writes message_events, which
-- chatter_app may not. The emoji is bounded wherever it comes from.
CREATE FUNCTION chatter._reactions_changed() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM chatter._within_limit('emoji_chars', length(NEW.emoji), 'the emoji (characters)');
        PERFORM chatter._message_changed(NEW.message_id);
        RETURN NEW;
    END IF;
    PERFORM chatter._message_changed(OLD.message_id);
    RETURN OLD;
END
$$;
COMMENT ON FUNCTION chatter._reactions_changed() IS
    'Trigger: CH005 for an emoji over chatter.limits emoji_chars; the message''s viewers see the new counts';
CREATE TRIGGER reactions_changed AFTER INSERT OR DELETE ON chatter.reactions
    FOR EACH ROW EXECUTE FUNCTION chatter._reactions_changed();

-- Stars: each user's own bookmarks, on messages they may read.
CREATE TABLE chatter.stars (
    user_id    bigint NOT NULL REFERENCES chatter.users (id) ON DELETE CASCADE,
    message_id bigint NOT NULL REFERENCES chatter.messages (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, message_id)
);
COMMENT ON TABLE chatter.stars IS 'Starred messages, per user (Odoo''s starred box)';
CREATE INDEX stars_message_id_idx ON chatter.stars (message_id);
ALTER TABLE chatter.stars ENABLE ROW LEVEL SECURITY;
CREATE POLICY stars_own ON chatter.stars FOR ALL TO chatter_app
    USING (user_id = (SELECT chatter.current_user_id()))
    WITH CHECK (user_id = (SELECT chatter.current_user_id())
                AND EXISTS (SELECT FROM chatter.messages AS m
                             WHERE m.id = stars.message_id AND m.deleted_at IS NULL));
GRANT SELECT, DELETE ON chatter.stars TO chatter_app;
GRANT INSERT (user_id, message_id) ON chatter.stars TO chatter_app;

-- security_invoker: the caller's row-level security decides, so a star on a message one may no longer
-- read (the record became someone else's) is not shown.
CREATE VIEW chatter.starred WITH (security_invoker = true) AS
    SELECT s.message_id, s.created_at AS starred_at, m.model, m.document, m.channel_id, m.author_id, m.created_at
      FROM chatter.stars AS s
      JOIN chatter.messages AS m ON m.id = s.message_id
     WHERE s.user_id = (SELECT chatter.current_user_id())
     ORDER BY s.message_id DESC;
COMMENT ON VIEW chatter.starred IS 'The acting user''s starred messages that they may still read, newest first';
GRANT SELECT ON chatter.starred TO chatter_app;

-- SECURITY INVOKER: in the caller's context, CH003 unless it may read the message (exactly as for one
-- that does not exist), then a voucher for its record (chatter._vouch) for the definer part to redeem.
CREATE FUNCTION chatter._vouch_message(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
    m_model text;
    m_document bigint;
BEGIN
    PERFORM chatter.current_user_id();   -- CH004 first for a connection without a valid acting user
    SELECT m.model, m.document INTO m_model, m_document FROM chatter.messages AS m WHERE m.id = _vouch_message.message;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'message % not found', coalesce(message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF m_model IS NOT NULL THEN
        PERFORM chatter._vouch(m_model, m_document);
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._vouch_message(bigint) IS
    'In the caller''s context: CH003 unless it may read the message; vouches for the message''s record';

-- Inside the definer writers: the message, locked, when the acting user may change it: its author (the
-- system may change any), never a Tracking message nor a deleted one (CH004); on a record, vouched for in
-- this transaction (CH003); in a channel, one the author is still a member of (CH004).
CREATE FUNCTION chatter._own_message(message bigint) RETURNS chatter.messages
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
    m chatter.messages;
    system boolean := chatter._caller_is_system();
BEGIN
    SELECT * INTO m FROM chatter.messages AS x WHERE x.id = _own_message.message FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'message % not found', coalesce(message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF m.message_type = 'Tracking' THEN
        RAISE EXCEPTION 'message % is a tracking message: it cannot be edited or deleted', m.id USING ERRCODE = 'CH004';
    END IF;
    IF m.deleted_at IS NOT NULL THEN
        RAISE EXCEPTION 'message % is deleted', m.id USING ERRCODE = 'CH004';
    END IF;
    IF NOT system AND m.author_id IS DISTINCT FROM chatter.current_contact_id() THEN
        RAISE EXCEPTION 'only the author may change message %', m.id
            USING ERRCODE = 'CH004', HINT = 'not the author';
    END IF;
    IF m.model IS NOT NULL AND NOT system THEN
        PERFORM chatter._redeem(m.model, m.document);
    END IF;
    IF m.channel_id IS NOT NULL AND NOT system
       AND m.channel_id NOT IN (SELECT chatter._my_channel_ids()) THEN
        RAISE EXCEPTION 'user % is not a member of channel %', chatter.current_user_id(), m.channel_id
            USING ERRCODE = 'CH004';
    END IF;
    RETURN m;
END
$$;
COMMENT ON FUNCTION chatter._own_message(bigint) IS
    'Inside definer writers: the locked message if the acting user is its author and may still reach it';

-- SECURITY DEFINER: chatter_app cannot update messages. Calling it directly gains nothing: the author
-- check is here, and a record message needs the voucher only chatter._vouch_message makes.
CREATE FUNCTION chatter._edit_message(message bigint, body text, subject text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    m chatter.messages;
BEGIN
    IF body IS NULL OR btrim(body) = '' THEN
        RAISE EXCEPTION 'a message needs a body' USING ERRCODE = 'CH005';
    END IF;
    m := chatter._own_message(message);
    -- The limits (messages_limits) and the sanitized copy (messages_reset_body_html) follow by trigger.
    UPDATE chatter.messages AS x
       SET body = _edit_message.body,
           subject = CASE WHEN _edit_message.subject IS NULL THEN x.subject ELSE nullif(_edit_message.subject, '') END,
           edited_at = now()
     WHERE x.id = m.id;
    PERFORM chatter._message_changed(m.id);
END
$$;
COMMENT ON FUNCTION chatter._edit_message(bigint, text, text) IS
    'Definer part of edit_message: the author''s change, once the message is vouched for';

CREATE FUNCTION chatter.edit_message(message bigint, body text, subject text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._vouch_message(message);
    PERFORM chatter._edit_message(message, body, subject);
END
$$;
COMMENT ON FUNCTION chatter.edit_message(bigint, text, text) IS
    'The author edits a message (subject NULL keeps it, '''' clears it): edited_at is set; CH004 for anyone else or Tracking';

-- SECURITY DEFINER: removes rows chatter_app may not touch (others' notifications and reactions, files).
CREATE FUNCTION chatter._delete_message(message bigint) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    m chatter.messages;
    notified bigint[];
BEGIN
    m := chatter._own_message(message);
    UPDATE chatter.messages AS x SET body = '', subject = NULL, deleted_at = now() WHERE x.id = m.id;
    -- Its files go with it, unless another message carries them too.
    DELETE FROM chatter.attachments AS a
     USING chatter.message_attachments AS ma
     WHERE ma.message_id = m.id AND a.id = ma.attachment_id
       AND NOT EXISTS (SELECT FROM chatter.message_attachments AS o
                        WHERE o.attachment_id = a.id AND o.message_id <> m.id);
    DELETE FROM chatter.message_attachments AS ma WHERE ma.message_id = m.id;
    -- Its notifications leave the inboxes (and pending emails and pushes, by cascade, the outbox).
    WITH gone AS (DELETE FROM chatter.notifications AS n WHERE n.message_id = m.id RETURNING n.user_id)
    SELECT coalesce(array_agg(DISTINCT g.user_id) FILTER (WHERE g.user_id IS NOT NULL), '{}') INTO notified FROM gone AS g;
    DELETE FROM chatter.reactions AS r WHERE r.message_id = m.id;
    DELETE FROM chatter.stars AS s WHERE s.message_id = m.id;
    PERFORM chatter._message_changed(m.id, notified);
END
$$;
COMMENT ON FUNCTION chatter._delete_message(bigint) IS
    'Definer part of delete_message: the tombstone, its files, notifications, reactions and stars removed';

CREATE FUNCTION chatter.delete_message(message bigint) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._vouch_message(message);
    PERFORM chatter._delete_message(message);
END
$$;
COMMENT ON FUNCTION chatter.delete_message(bigint) IS
    'The author deletes a message: a tombstone stays ("This message was deleted"); CH004 for anyone else or Tracking';

-- Reactions and stars: SECURITY INVOKER, the tables' row-level security is the rule; the checks here only
-- give the clear error (CH003 for a message one may not read, CH004 for a deleted one).
CREATE FUNCTION chatter._readable_message(message bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    gone timestamptz;
BEGIN
    PERFORM chatter.current_user_id();   -- CH004 first for a connection without a valid acting user
    SELECT m.deleted_at INTO gone FROM chatter.messages AS m WHERE m.id = _readable_message.message;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'message % not found', coalesce(message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF gone IS NOT NULL THEN
        RAISE EXCEPTION 'message % is deleted', message USING ERRCODE = 'CH004';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._readable_message(bigint) IS
    'In the caller''s context: CH003 unless it may read the message, CH004 if it is deleted';

CREATE FUNCTION chatter.react(message bigint, emoji text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._readable_message(message);
    IF emoji IS NULL OR btrim(emoji) = '' THEN
        RAISE EXCEPTION 'an emoji is required' USING ERRCODE = 'CH005';
    END IF;
    INSERT INTO chatter.reactions (message_id, contact_id, emoji)
    VALUES (message, chatter.current_contact_id(), emoji)
    ON CONFLICT ON CONSTRAINT reactions_message_contact_emoji_key DO NOTHING;
END
$$;
COMMENT ON FUNCTION chatter.react(bigint, text) IS
    'The acting user reacts to a message they may read (once per emoji); CH005 for an emoji over emoji_chars';

CREATE FUNCTION chatter.unreact(message bigint, emoji text) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._readable_message(message);
    DELETE FROM chatter.reactions AS r
     WHERE r.message_id = unreact.message AND r.contact_id = chatter.current_contact_id() AND r.emoji = unreact.emoji;
END
$$;
COMMENT ON FUNCTION chatter.unreact(bigint, text) IS 'The acting user takes back their reaction';

CREATE FUNCTION chatter.message_reactions(message bigint) RETURNS TABLE(emoji text, count bigint, contacts bigint[])
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter.current_user_id();
    IF NOT EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = message_reactions.message) THEN
        RAISE EXCEPTION 'message % not found', coalesce(message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    RETURN QUERY
        SELECT r.emoji, count(*), array_agg(r.contact_id ORDER BY r.id)
          FROM chatter.reactions AS r
         WHERE r.message_id = message_reactions.message
         GROUP BY r.emoji
         ORDER BY min(r.id);
END
$$;
COMMENT ON FUNCTION chatter.message_reactions(bigint) IS
    'A readable message''s reactions: each emoji, how many, and who (first reaction first); CH003 otherwise';

CREATE FUNCTION chatter.star(message bigint) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._readable_message(message);
    INSERT INTO chatter.stars (user_id, message_id) VALUES (chatter.current_user_id(), message)
    ON CONFLICT (user_id, message_id) DO NOTHING;
END
$$;
COMMENT ON FUNCTION chatter.star(bigint) IS 'The acting user stars a message they may read';

CREATE FUNCTION chatter.unstar(message bigint) RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter.current_user_id();
    IF NOT EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = unstar.message) THEN
        RAISE EXCEPTION 'message % not found', coalesce(message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    DELETE FROM chatter.stars AS s WHERE s.message_id = unstar.message AND s.user_id = chatter.current_user_id();
END
$$;
COMMENT ON FUNCTION chatter.unstar(bigint) IS 'The acting user removes their star (nothing if there was none)';

-- Replies in chat: channel_post (its rules: a member, not archived; its notifications) and then the
-- parent, a message of the same channel. SECURITY DEFINER as channel_post is: chatter_app cannot set
-- parent_id itself.
CREATE FUNCTION chatter.channel_reply(channel bigint, "user" bigint, body text, parent bigint) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    new_id bigint;
BEGIN
    new_id := chatter.channel_post(channel, "user", body);
    IF NOT EXISTS (SELECT FROM chatter.messages AS p WHERE p.id = channel_reply.parent AND p.channel_id = channel_reply.channel) THEN
        RAISE EXCEPTION 'message % is not in channel %', coalesce(parent::text, 'NULL'), channel USING ERRCODE = 'CH005';
    END IF;
    UPDATE chatter.messages AS m SET parent_id = channel_reply.parent WHERE m.id = new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION chatter.channel_reply(bigint, bigint, text, bigint) IS
    'channel_post replying to a message of the same channel (CH005 otherwise); returns the message id';

ALTER FUNCTION chatter.channel_reply(bigint, bigint, text, bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter.channel_reply(bigint, bigint, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.channel_reply(bigint, bigint, text, bigint) TO chatter_app;

ALTER TABLE chatter.message_events OWNER TO chatter_owner;
ALTER TABLE chatter.reactions OWNER TO chatter_owner;
ALTER TABLE chatter.stars OWNER TO chatter_owner;
ALTER VIEW chatter.starred OWNER TO chatter_owner;
ALTER FUNCTION chatter._message_changed(bigint, bigint[]) OWNER TO chatter_owner;
ALTER FUNCTION chatter._reactions_changed() OWNER TO chatter_owner;
ALTER FUNCTION chatter._vouch_message(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter._own_message(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter._edit_message(bigint, text, text) OWNER TO chatter_owner;
ALTER FUNCTION chatter.edit_message(bigint, text, text) OWNER TO chatter_owner;
ALTER FUNCTION chatter._delete_message(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter.delete_message(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter._readable_message(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter.react(bigint, text) OWNER TO chatter_owner;
ALTER FUNCTION chatter.unreact(bigint, text) OWNER TO chatter_owner;
ALTER FUNCTION chatter.message_reactions(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter.star(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter.unstar(bigint) OWNER TO chatter_owner;

REVOKE EXECUTE ON FUNCTION chatter._message_changed(bigint, bigint[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._reactions_changed() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._vouch_message(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._own_message(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._edit_message(bigint, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.edit_message(bigint, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._delete_message(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.delete_message(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._readable_message(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.react(bigint, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.unreact(bigint, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.message_reactions(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.star(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.unstar(bigint) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION chatter._vouch_message(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._edit_message(bigint, text, text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.edit_message(bigint, text, text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._delete_message(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.delete_message(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._readable_message(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.react(bigint, text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.unreact(bigint, text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.message_reactions(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.star(bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.unstar(bigint) TO chatter_app;

COMMIT;
