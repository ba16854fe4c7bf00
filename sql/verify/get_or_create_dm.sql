-- Verify pgchatter:get_or_create_dm on pg

BEGIN;

SELECT 'chatter.get_or_create_dm(bigint, bigint)'::regprocedure;

ROLLBACK;
