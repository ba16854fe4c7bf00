-- Verify pgchatter:drop_active_contact on pg

BEGIN;

SELECT 1 / (to_regprocedure('chatter._active_contact(bigint)') IS NULL)::integer;

ROLLBACK;
