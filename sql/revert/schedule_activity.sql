-- Revert pgchatter:schedule_activity from pg

BEGIN;

DROP FUNCTION chatter.schedule_activity(text, bigint, text, bigint, text, date, text);

COMMIT;
