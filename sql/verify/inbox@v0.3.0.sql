-- Verify pgchatter:inbox on pg

BEGIN;

SELECT notification_id, message_id, is_read, read_at, created_at, payload FROM chatter.inbox WHERE false;
SELECT 'chatter.inbox_count(bigint)'::regprocedure, 'chatter.mark_notifications_read(bigint[], bigint)'::regprocedure;

ROLLBACK;
