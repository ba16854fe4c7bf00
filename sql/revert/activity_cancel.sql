-- Revert pgchatter:activity_cancel from pg

BEGIN;

DROP FUNCTION chatter.activity_cancel(bigint);

COMMIT;
