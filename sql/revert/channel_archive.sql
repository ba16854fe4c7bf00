-- Revert pgchatter:channel_archive from pg

BEGIN;

DROP FUNCTION chatter.channel_unarchive(bigint);
DROP FUNCTION chatter.channel_archive(bigint);
DROP FUNCTION chatter._channel_set_archived(bigint, boolean);

COMMIT;
