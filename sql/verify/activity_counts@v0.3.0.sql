-- Verify pgchatter:activity_counts on pg

BEGIN;

SELECT 'chatter.activity_counts(bigint)'::regprocedure;

ROLLBACK;
