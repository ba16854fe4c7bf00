-- Deploy pgchatter:channel_post_mentions to pg
-- requires: channel_post_mentions@v0.8.0

BEGIN;

-- After a chat post: its audience (a DM's other member, the members a channel post mentions) gets the
-- in-app notification (inbox, WebSocket frame, push unless muted: _notify_audience), and each of them the
-- delayed email of the conversation if it is a DM (chat_email). No NOTIFY per post: the message's insert
-- fires the throttled wake-up of the bridges.
-- As in v0.8.0, but the delayed email is looked for only when the post notified a user (an index probe;
-- most chat posts notify nobody) and only in a DM (the message's channel read by its keys) (issue 25).
-- The three-table join this replaces was started in every post, about 0.1 M instructions, and its kept
-- plan hashed every Direct channel (a scan of chatter.channels) whenever the post notified someone.
CREATE OR REPLACE FUNCTION chatter._channel_post_notify(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
    channel bigint;
BEGIN
    PERFORM chatter._notify_audience(message, false);
    IF NOT EXISTS (SELECT FROM chatter.notifications AS n
                    WHERE n.message_id = _channel_post_notify.message AND n.user_id IS NOT NULL) THEN
        RETURN;
    END IF;
    SELECT ch.id INTO channel
      FROM chatter.messages AS m JOIN chatter.channels AS ch ON ch.id = m.channel_id
     WHERE m.id = _channel_post_notify.message AND ch.kind = 'Direct';
    IF channel IS NULL THEN
        RETURN;
    END IF;
    PERFORM chatter._schedule_chat_email(n.user_id, channel)
       FROM chatter.notifications AS n
      WHERE n.message_id = _channel_post_notify.message AND n.user_id IS NOT NULL;
END
$$;
COMMENT ON FUNCTION chatter._channel_post_notify(bigint) IS
    'After a channel post: notify its audience (DM member, mentioned members); schedule the delayed DM email';

COMMIT;
