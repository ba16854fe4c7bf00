-- Verify pgchatter:channel_history on pg

BEGIN;

SELECT 'chatter.channel_history(bigint, integer, bigint)'::regprocedure;

ROLLBACK;
