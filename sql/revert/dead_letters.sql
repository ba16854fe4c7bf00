-- Revert pgchatter:dead_letters from pg

BEGIN;

DROP FUNCTION chatter.outbox_retry(bigint[]);
DROP INDEX chatter.outbox_dead_idx;
DROP VIEW chatter.dead_letters;

COMMIT;
