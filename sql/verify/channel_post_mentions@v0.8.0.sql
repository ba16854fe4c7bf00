-- Verify pgchatter:channel_post_mentions on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%_schedule_chat_email%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._channel_post_notify(bigint)'::regprocedure;

ROLLBACK;
