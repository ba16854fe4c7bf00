-- Revert pgchatter:unread_counts from pg

BEGIN;

DROP FUNCTION chatter.mark_read(bigint, bigint, bigint);
DROP FUNCTION chatter.unread_counts(bigint);
DROP FUNCTION chatter.unread_count(bigint, bigint);

COMMIT;
