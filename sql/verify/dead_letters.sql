-- Verify pgchatter:dead_letters on pg

BEGIN;

SELECT job, kind, message_id, contact_id, email, push_subscription_id, attempts, last_error, created_at, failed_at
  FROM chatter.dead_letters WHERE false;
SELECT 'chatter.outbox_retry(bigint[])'::regprocedure;

ROLLBACK;
