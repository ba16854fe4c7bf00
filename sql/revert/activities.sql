-- Revert pgchatter:activities from pg

BEGIN;

DROP TABLE chatter.activities;

COMMIT;
