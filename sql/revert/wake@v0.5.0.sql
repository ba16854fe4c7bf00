-- Revert pgchatter:wake from pg

BEGIN;

DROP FUNCTION chatter._wake(text);

COMMIT;
