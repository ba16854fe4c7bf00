-- Verify pgchatter:activity_cancel on pg

BEGIN;

SELECT 'chatter.activity_cancel(bigint)'::regprocedure;

ROLLBACK;
