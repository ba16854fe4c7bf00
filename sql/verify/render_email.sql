-- Verify pgchatter:render_email on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%_chat_email_html%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.render_email(bigint, text, text)'::regprocedure;

SELECT 1 / (p.prosrc LIKE '%mail_reply_to%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.render_email(bigint, text, text)'::regprocedure;

ROLLBACK;
