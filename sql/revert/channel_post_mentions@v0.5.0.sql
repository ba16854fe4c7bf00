-- Revert pgchatter:channel_post_mentions from pg
-- Restores the per-post NOTIFY chatter_realtime hint.

BEGIN;

CREATE OR REPLACE FUNCTION chatter._channel_post_notify(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
    msg record;
BEGIN
    SELECT m.id, m.channel_id, m.author_id INTO msg FROM chatter.messages AS m WHERE m.id = _channel_post_notify.message;
    -- Mentioned members get an in-app notification (muted ones too: a mention is personal).
    PERFORM chatter._notify_audience(msg.id, false);
    BEGIN
        PERFORM pg_catalog.pg_notify('chatter_realtime', pg_catalog.jsonb_build_object(
            'user_id', NULL,
            'type', 'realtime_data',
            'data', pg_catalog.jsonb_build_object('kind', 'channel_message', 'channel_id', msg.channel_id,
                                                  'message_id', msg.id, 'author_id', msg.author_id))::text);
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'chatter: realtime hint for message % not sent: %', msg.id, SQLERRM;
    END;
END
$$;
COMMENT ON FUNCTION chatter._channel_post_notify(bigint) IS
    'After a channel post: notify mentioned members, and a realtime_data hint to the bridge';

COMMIT;
