-- Revert pgchatter:acting_as from pg

BEGIN;

DROP FUNCTION chatter._acting_as(bigint);

COMMIT;
