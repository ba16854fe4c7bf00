-- Verify pgchatter:push_gone on pg

BEGIN;

SELECT 'chatter.outbox_subscription_gone(bigint, text, text)'::regprocedure;

ROLLBACK;
