-- Revert pgchatter:channel_history from pg

BEGIN;

DROP FUNCTION chatter.channel_history(bigint, integer, bigint);

COMMIT;
