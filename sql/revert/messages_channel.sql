-- Revert pgchatter:messages_channel from pg

BEGIN;

ALTER TABLE chatter.messages DROP COLUMN channel_id;

COMMIT;
