-- Verify pgchatter:chat_email on pg

BEGIN;

SELECT 'chatter._schedule_chat_email(bigint, bigint)'::regprocedure, 'chatter.chat_email_delay()'::regprocedure;
SELECT 1 / (count(*) = 2)::integer FROM pg_catalog.pg_trigger
 WHERE tgname IN ('notifications_chat_email_cancel', 'channel_members_marker_reads');
-- The marker's UPDATE of notifications is guarded by the probe for an unread one.
SELECT 1 / (p.prosrc LIKE '%IF EXISTS (SELECT FROM chatter.notifications AS n WHERE n.user_id = NEW.user_id AND NOT n.is_read) THEN%UPDATE chatter.notifications%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._chat_marker_reads()'::regprocedure;

ROLLBACK;
