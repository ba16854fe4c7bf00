-- Revert pgchatter:my_channel_ids from pg

BEGIN;

DROP FUNCTION chatter._my_channel_ids();

COMMIT;
