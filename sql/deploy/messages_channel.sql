-- Deploy pgchatter:messages_channel to pg
-- requires: messages, channels

BEGIN;

-- A chat message is a chatter.messages row with channel_id set (no separate table, as in the seed).
ALTER TABLE chatter.messages
    ADD COLUMN channel_id bigint REFERENCES chatter.channels (id) ON DELETE CASCADE,
    ADD CONSTRAINT messages_channel_or_record_check CHECK (channel_id IS NULL OR model IS NULL);
COMMENT ON COLUMN chatter.messages.channel_id IS 'Chat messages: the channel; NULL for record feeds';

-- History pages and unread counts are (channel_id, id) range scans; index-only when the table is vacuumed.
CREATE INDEX messages_channel_id_idx ON chatter.messages (channel_id, id) WHERE channel_id IS NOT NULL;

COMMIT;
