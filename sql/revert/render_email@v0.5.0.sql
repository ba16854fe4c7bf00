-- Revert pgchatter:render_email from pg

BEGIN;

DROP FUNCTION chatter.render_push(bigint, bigint);
DROP FUNCTION chatter.render_email(bigint, text, text);
DROP FUNCTION chatter.email_message_id(bigint, bigint, text);

COMMIT;
