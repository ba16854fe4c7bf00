-- Revert pgchatter:activity_check from pg

BEGIN;

DROP TRIGGER activities_check ON chatter.activities;
DROP FUNCTION chatter._activity_check();

COMMIT;
