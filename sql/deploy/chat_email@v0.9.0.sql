-- Deploy pgchatter:chat_email to pg
-- requires: settings
-- requires: outbox
-- requires: channel_members
-- requires: messages_channel
-- requires: notifications

BEGIN;

-- SPEC 5, chat notifications: a user whose preference is 'email' gets one email per conversation for
-- DM messages still unread after chat_email_delay (chatter.settings), as Odoo's Discuss does. Durable:
-- the email is an ordinary outbox job whose run_after is the due time, so a restart of anything loses
-- nothing and the listener's claim (run_after <= now()) sends it when due. Reading cancels it: the job is
-- deleted when its notification is read, and reading a conversation (its read marker moving) reads its
-- notifications.

-- Cancelling finds the waiting email job of a notification by this index, not by a scan of the outbox.
CREATE INDEX outbox_chat_email_idx ON chatter.outbox (notification_id) WHERE kind = 'email' AND status IN ('pending', 'claimed');

CREATE FUNCTION chatter.chat_email_delay() RETURNS interval
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT coalesce((SELECT s.value::interval FROM chatter.settings AS s WHERE s.name = 'chat_email_delay'),
                    interval '10 minutes')
$$;
COMMENT ON FUNCTION chatter.chat_email_delay() IS
    'How long a DM message waits unread before it is emailed (chatter.settings chat_email_delay; 10 minutes)';

-- The one rule for the delayed email of a conversation, used when a DM arrives and when one is read:
-- unless a job already waits (or is being sent) for this user and conversation, the oldest unread DM
-- notification of a user who wants email, in a conversation not muted, gets a job due at its arrival +
-- the delay. Its email lists every message still unread then (render_email).
CREATE FUNCTION chatter._schedule_chat_email("user" bigint, channel bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
    next record;
BEGIN
    -- One decision at a time per (user, conversation): a post and a read racing each other would both
    -- see the other's work as not yet committed (a read cancelling the job a post counted on, and the post's
    -- message left without one). Held to commit; each statement below then sees what the other committed.
    PERFORM pg_advisory_xact_lock(hashtext('chatter_chat_email'), hashtext("user" || ':' || channel));
    -- A waiting (or sending) email is on an unread notification whose email_status is 'pending' (sent:
    -- 'sent'; dead: 'failed'; read first: cancelled, back to 'none'). Asked of the user's unread
    -- notifications only (notifications_unread_idx), so the cost follows what is unread, not the history.
    IF EXISTS (SELECT FROM chatter.notifications AS n
                 JOIN chatter.messages AS m ON m.id = n.message_id
                WHERE n.user_id = "user" AND NOT n.is_read AND n.email_status = 'pending'
                  AND m.channel_id = channel) THEN
        RETURN;
    END IF;
    SELECT n.id, n.created_at, c.email INTO next
      FROM chatter.notifications AS n
      JOIN chatter.messages AS m ON m.id = n.message_id
      JOIN chatter.channels AS ch ON ch.id = m.channel_id
      JOIN chatter.channel_members AS cm ON cm.channel_id = ch.id AND cm.user_id = n.user_id
      JOIN chatter.users AS u ON u.id = n.user_id
      JOIN chatter.contacts AS c ON c.id = n.contact_id
     WHERE n.user_id = "user" AND NOT n.is_read AND n.email_status = 'none' AND m.channel_id = channel
       AND ch.kind = 'Direct' AND NOT cm.is_muted
       AND u.active AND u.notification = 'email' AND c.email IS NOT NULL
       AND m.id > coalesce(cm.last_read_message, 0)
     ORDER BY n.id
     LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE chatter.notifications AS n SET email_status = 'pending' WHERE n.id = next.id;
    INSERT INTO chatter.outbox (kind, notification_id, email, priority, run_after)
    VALUES ('email', next.id, next.email, 1, greatest(now(), next.created_at + chatter.chat_email_delay()));
END
$$;
COMMENT ON FUNCTION chatter._schedule_chat_email(bigint, bigint) IS
    'One delayed email per user and DM conversation: a job for the oldest unread notification, due after chat_email_delay';

-- A notification read before its delayed chat email went out: the job is cancelled (deleted; one being
-- sent right now is past cancelling), and the conversation's next unread message, if any, gets its own.
CREATE FUNCTION chatter._chat_email_cancel() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    channel bigint;
BEGIN
    SELECT m.channel_id INTO channel FROM chatter.messages AS m WHERE m.id = NEW.message_id;
    IF channel IS NULL THEN
        RETURN NULL;  -- a record's message: its email is not a delayed one
    END IF;
    DELETE FROM chatter.outbox AS o WHERE o.notification_id = NEW.id AND o.kind = 'email' AND o.status = 'pending';
    IF FOUND THEN
        UPDATE chatter.notifications AS n SET email_status = 'none' WHERE n.id = NEW.id;
    END IF;
    PERFORM chatter._schedule_chat_email(NEW.user_id, channel);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION chatter._chat_email_cancel() IS
    'After a chat notification is read: its waiting delayed email is cancelled; the next unread one is scheduled';
CREATE TRIGGER notifications_chat_email_cancel AFTER UPDATE OF is_read ON chatter.notifications
    FOR EACH ROW WHEN (NEW.is_read AND NOT OLD.is_read AND NEW.email_status = 'pending' AND NEW.user_id IS NOT NULL)
    EXECUTE FUNCTION chatter._chat_email_cancel();

-- Reading a conversation reads its notifications (DMs and mentions), as in Odoo: the bell and the
-- delayed email follow the read marker, whichever path moved it (mark_read, one's own post).
CREATE FUNCTION chatter._chat_marker_reads() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    UPDATE chatter.notifications AS n SET is_read = true, read_at = now()
      FROM chatter.messages AS m
     WHERE n.user_id = NEW.user_id AND NOT n.is_read
       AND m.id = n.message_id AND m.channel_id = NEW.channel_id AND m.id <= NEW.last_read_message;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION chatter._chat_marker_reads() IS
    'After a read marker moves: the member''s notifications of the conversation up to it are read';
CREATE TRIGGER channel_members_marker_reads AFTER UPDATE OF last_read_message ON chatter.channel_members
    FOR EACH ROW WHEN (NEW.last_read_message IS DISTINCT FROM OLD.last_read_message)
    EXECUTE FUNCTION chatter._chat_marker_reads();

REVOKE EXECUTE ON FUNCTION chatter.chat_email_delay() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._schedule_chat_email(bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._chat_email_cancel() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._chat_marker_reads() FROM PUBLIC;
ALTER FUNCTION chatter.chat_email_delay() OWNER TO chatter_owner;
ALTER FUNCTION chatter._schedule_chat_email(bigint, bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter._chat_email_cancel() OWNER TO chatter_owner;
ALTER FUNCTION chatter._chat_marker_reads() OWNER TO chatter_owner;

COMMIT;
