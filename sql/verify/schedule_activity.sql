-- Verify pgchatter:schedule_activity on pg

BEGIN;

SELECT 'chatter.schedule_activity(text, bigint, text, bigint, text, date, text)'::regprocedure;

ROLLBACK;
