-- Revert pgchatter:limits from pg

BEGIN;

DROP TRIGGER attachments_limits ON chatter.attachments;
DROP TRIGGER message_recipients_limits ON chatter.message_recipients;
DROP TRIGGER messages_limits ON chatter.messages;
DROP FUNCTION chatter._attachment_limits();
DROP FUNCTION chatter._recipient_limits();
DROP FUNCTION chatter._message_limits();
DROP FUNCTION chatter._mention_count(text);
DROP FUNCTION chatter._html_depth(text, integer);
DROP FUNCTION chatter._within_limit(text, bigint, text);
DROP TABLE chatter.limits;

COMMIT;
