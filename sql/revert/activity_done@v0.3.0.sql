-- Revert pgchatter:activity_done from pg

BEGIN;

DROP FUNCTION chatter.activity_done(bigint, text);
DROP FUNCTION chatter._activity_escape(text);

COMMIT;
