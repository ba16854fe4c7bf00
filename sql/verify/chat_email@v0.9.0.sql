-- Verify pgchatter:chat_email on pg

BEGIN;

SELECT 'chatter._schedule_chat_email(bigint, bigint)'::regprocedure, 'chatter.chat_email_delay()'::regprocedure;
SELECT 1 / (count(*) = 2)::integer FROM pg_catalog.pg_trigger
 WHERE tgname IN ('notifications_chat_email_cancel', 'channel_members_marker_reads');

ROLLBACK;
