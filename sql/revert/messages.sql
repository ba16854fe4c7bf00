-- Revert pgchatter:messages from pg

BEGIN;

DROP TABLE chatter.messages;

COMMIT;
