-- Verify pgchatter:render_email on pg

BEGIN;

SELECT 'chatter.email_message_id(bigint, bigint, text)'::regprocedure,
       'chatter.render_email(bigint, text, text)'::regprocedure,
       'chatter.render_push(bigint, bigint)'::regprocedure;

ROLLBACK;
