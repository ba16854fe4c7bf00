-- Revert pgchatter:channel_membership from pg

BEGIN;

DROP FUNCTION chatter.channel_mute(bigint, bigint, boolean);
DROP FUNCTION chatter.channel_leave(bigint, bigint);
DROP FUNCTION chatter.channel_join(bigint, bigint);

COMMIT;
