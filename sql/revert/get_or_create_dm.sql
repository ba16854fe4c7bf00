-- Revert pgchatter:get_or_create_dm from pg

BEGIN;

DROP FUNCTION chatter.get_or_create_dm(bigint, bigint);

COMMIT;
