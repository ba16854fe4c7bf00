-- Revert pgchatter:create_channel from pg

BEGIN;

DROP FUNCTION chatter.create_channel(text, chatter.channel_kind, bigint, bigint[], text);

COMMIT;
