-- Revert pgchatter:activity_ping from pg

BEGIN;

DROP TRIGGER activities_ping ON chatter.activities;
DROP FUNCTION chatter._activities_ping();
DROP FUNCTION chatter._activity_ping(bigint, bigint, text);

COMMIT;
