-- Verify pgchatter:outbox on pg

BEGIN;

SELECT id, kind, notification_id, push_subscription_id, email, priority, status, attempts, run_after,
       claimed_by, claimed_at, done_at, last_error, created_at
  FROM chatter.outbox WHERE false;
SELECT 'chatter.outbox_claim(text, integer, interval)'::regprocedure, 'chatter._wake_listener()'::regprocedure,
       'chatter.outbox_complete(bigint, text)'::regprocedure,
       'chatter.outbox_fail(bigint, text, text, boolean, integer)'::regprocedure;

ROLLBACK;
