-- Verify pgchatter:channel_post_notify on pg

BEGIN;

SELECT 'chatter._channel_post_notify(bigint)'::regprocedure;

ROLLBACK;
