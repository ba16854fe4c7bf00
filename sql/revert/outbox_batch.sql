-- Revert pgchatter:outbox_batch from pg

BEGIN;

DROP FUNCTION chatter.outbox_release(text, bigint[], text, interval);
DROP FUNCTION chatter.outbox_done(text, bigint[]);

COMMIT;
