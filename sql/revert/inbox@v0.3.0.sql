-- Revert pgchatter:inbox from pg

BEGIN;

DROP FUNCTION chatter.mark_notifications_read(bigint[], bigint);
DROP FUNCTION chatter.inbox_count(bigint);
DROP VIEW chatter.inbox;

COMMIT;
