-- Verify pgchatter:acting_as on pg

BEGIN;

SELECT 'chatter._acting_as(bigint)'::regprocedure;

ROLLBACK;
