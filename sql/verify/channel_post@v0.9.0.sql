-- Verify pgchatter:channel_post on pg

BEGIN;

SELECT 'chatter.channel_post(bigint, bigint, text)'::regprocedure;

ROLLBACK;
