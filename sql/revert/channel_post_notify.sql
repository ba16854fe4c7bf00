-- Revert pgchatter:channel_post_notify from pg

BEGIN;

DROP FUNCTION chatter._channel_post_notify(bigint);

COMMIT;
