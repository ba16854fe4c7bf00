-- Revert pgchatter:channels from pg

BEGIN;

DROP TABLE chatter.channels;

COMMIT;
