-- Revert pgchatter:channel_post from pg

BEGIN;

DROP FUNCTION chatter.channel_post(bigint, bigint, text);

COMMIT;
