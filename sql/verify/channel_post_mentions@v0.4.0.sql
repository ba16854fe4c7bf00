-- Verify pgchatter:channel_post_mentions on pg

BEGIN;

SELECT 1 / (pg_get_functiondef('chatter._channel_post_notify(bigint)'::regprocedure) LIKE '%_notify_audience%')::int;

ROLLBACK;
