-- Revert pgchatter:channel_members from pg

BEGIN;

DROP TABLE chatter.channel_members;

COMMIT;
