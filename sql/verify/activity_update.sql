-- Verify pgchatter:activity_update on pg

BEGIN;

SELECT 'chatter.activity_update(bigint, text, date, bigint, text, text)'::regprocedure;

ROLLBACK;
