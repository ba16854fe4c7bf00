-- Revert pgchatter:chat_email from pg

BEGIN;

DROP TRIGGER channel_members_marker_reads ON chatter.channel_members;
DROP TRIGGER notifications_chat_email_cancel ON chatter.notifications;
DROP FUNCTION chatter._chat_marker_reads();
DROP FUNCTION chatter._chat_email_cancel();
DROP FUNCTION chatter._schedule_chat_email(bigint, bigint);
DROP FUNCTION chatter.chat_email_delay();
DROP INDEX chatter.outbox_chat_email_idx;

COMMIT;
