-- Verify pgchatter:notifications on pg

BEGIN;

SELECT message_id, contact_id FROM chatter.message_recipients WHERE false;
SELECT id, message_id, contact_id, user_id, is_read, read_at, email_status, push_status, created_at
  FROM chatter.notifications WHERE false;
SELECT id, user_id, endpoint, p256dh, auth, created_at, expired_at FROM chatter.push_subscriptions WHERE false;
SELECT 1 / count(*) FROM pg_catalog.pg_class WHERE oid = 'chatter.notifications'::regclass AND relrowsecurity;

ROLLBACK;
