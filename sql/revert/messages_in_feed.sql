-- Revert pgchatter:messages_in_feed from pg

BEGIN;

ALTER TABLE chatter.messages DROP COLUMN in_feed;

COMMIT;
