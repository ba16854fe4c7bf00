-- Revert pgchatter:outbox from pg

BEGIN;

DROP FUNCTION chatter.outbox_fail(bigint, text, text, boolean, integer);
DROP FUNCTION chatter.outbox_complete(bigint, text);
DROP FUNCTION chatter.outbox_claim(text, integer, interval);
DROP FUNCTION chatter._wake_listener();
DROP TABLE chatter.outbox;

COMMIT;
