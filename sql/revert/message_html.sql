-- Revert pgchatter:message_html from pg

BEGIN;

DROP FUNCTION chatter.store_body_html(bigint[], text[], text[]);
DROP TRIGGER messages_reset_body_html ON chatter.messages;
DROP FUNCTION chatter._reset_body_html();
ALTER TABLE chatter.messages DROP COLUMN body_html;

COMMIT;
