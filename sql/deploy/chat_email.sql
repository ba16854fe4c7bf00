-- Deploy pgchatter:chat_email to pg
-- requires: chat_email@v0.9.0

BEGIN;

-- Reading a conversation reads its notifications (DMs and mentions), as in Odoo: the bell and the
-- delayed email follow the read marker, whichever path moved it (mark_read, one's own post).
-- As in v0.9.0, but the UPDATE starts only when the member has an unread notification at all (an index
-- probe of notifications_unread_idx): every chat post moves its poster's marker, most posters have
-- nothing unread, and the UPDATE's join cost 38,000 of a post's 1.25 M instructions to find nothing
-- (callgrind, bench/chat_post_instructions.py, issue 25).
CREATE OR REPLACE FUNCTION chatter._chat_marker_reads() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF EXISTS (SELECT FROM chatter.notifications AS n WHERE n.user_id = NEW.user_id AND NOT n.is_read) THEN
        UPDATE chatter.notifications AS n SET is_read = true, read_at = now()
          FROM chatter.messages AS m
         WHERE n.user_id = NEW.user_id AND NOT n.is_read
           AND m.id = n.message_id AND m.channel_id = NEW.channel_id AND m.id <= NEW.last_read_message;
    END IF;
    RETURN NULL;
END
$$;

COMMIT;
