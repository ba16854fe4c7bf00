-- Revert pgchatter:chat_email from pg: _chat_marker_reads back to its @v0.9.0 definition (the UPDATE
-- started on every move of a read marker)

BEGIN;

CREATE OR REPLACE FUNCTION chatter._chat_marker_reads() RETURNS trigger
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

COMMIT;
