-- Deploy pgchatter:channel_post_mentions to pg
-- requires: channel_post_mentions@v0.5.0
-- requires: chat_email
-- requires: message_audience
-- requires: create_message

BEGIN;

-- After a chat post: its audience (a DM's other member, the members a channel post mentions) gets the
-- in-app notification (inbox, WebSocket frame, push unless muted: _notify_audience), and each of them the
-- delayed email of the conversation if it is a DM (chat_email). No NOTIFY per post: the message's insert
-- fires the throttled wake-up of the bridges.
CREATE OR REPLACE FUNCTION chatter._channel_post_notify(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._notify_audience(message, false);
    PERFORM chatter._schedule_chat_email(n.user_id, m.channel_id)
       FROM chatter.notifications AS n
       JOIN chatter.messages AS m ON m.id = n.message_id
       JOIN chatter.channels AS ch ON ch.id = m.channel_id AND ch.kind = 'Direct'
      WHERE n.message_id = _channel_post_notify.message AND n.user_id IS NOT NULL;
END
$$;
COMMENT ON FUNCTION chatter._channel_post_notify(bigint) IS
    'After a channel post: notify its audience (DM member, mentioned members); schedule the delayed DM email';

COMMIT;
