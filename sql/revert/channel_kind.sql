-- Revert pgchatter:channel_kind from pg

BEGIN;

DROP TYPE chatter.channel_kind;

COMMIT;
