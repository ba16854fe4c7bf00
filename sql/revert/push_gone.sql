-- Revert pgchatter:push_gone from pg

BEGIN;

DROP FUNCTION chatter.outbox_subscription_gone(bigint, text, text);

COMMIT;
