-- Revert pgchatter:activity_counts from pg

BEGIN;

DROP FUNCTION chatter.activity_counts(bigint);

COMMIT;
