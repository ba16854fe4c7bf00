-- Revert pgchatter:activity_update from pg

BEGIN;

DROP FUNCTION chatter.activity_update(bigint, text, date, bigint, text, text);

COMMIT;
