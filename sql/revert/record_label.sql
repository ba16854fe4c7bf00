-- Revert pgchatter:record_label from pg

BEGIN;

DROP FUNCTION chatter.record_label(text, bigint);

COMMIT;
