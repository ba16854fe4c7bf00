-- Revert pgchatter:channel_post_mentions from pg
-- Restores the v0.5.0 hook: mentions notified, no delayed DM email.

BEGIN;

-- No NOTIFY chatter_realtime per post any more: a NOTIFY in every transaction serialises commits (SPEC
-- section 10), and nothing needs it: the message's insert fires the throttled wake-up of the bridges
-- (messages_wake_bridge), which read the new messages by id.
CREATE OR REPLACE FUNCTION chatter._channel_post_notify(message bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
    -- Mentioned members get an in-app notification (muted ones too: a mention is personal).
    PERFORM chatter._notify_audience(message, false);
END
$$;
COMMENT ON FUNCTION chatter._channel_post_notify(bigint) IS 'After a channel post: notify mentioned members';

COMMIT;
