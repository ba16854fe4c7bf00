-- Deploy pgchatter:channel_post_mentions to pg
-- requires: channel_post_mentions@v0.8.0

BEGIN;

-- After a chat post: its audience (a DM's other member, the members a channel post mentions) gets the
-- in-app notification (inbox, WebSocket frame, push unless muted: _notify_audience), and each of them the
-- delayed email of the conversation if it is a DM (chat_email). No NOTIFY per post: the message's insert
-- fires the throttled wake-up of the bridges.
-- As in v0.8.0, but the delayed email is looked for only when the post notified a user (issue 25): most
-- chat posts notify nobody, and the three-table join that finds none cost about 0.1 M instructions to
-- start in every one of them; an index probe of the message's notifications is a fraction of that.
CREATE OR REPLACE FUNCTION chatter._channel_post_notify(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._notify_audience(message, false);
    IF NOT EXISTS (SELECT FROM chatter.notifications AS n
                    WHERE n.message_id = _channel_post_notify.message AND n.user_id IS NOT NULL) THEN
        RETURN;
    END IF;
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
