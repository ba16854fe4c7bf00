-- Verify pgchatter:mailgate on pg

BEGIN;

SELECT inbound, raw, attempts FROM chatter.mailgate_claim('verify', 0);
SELECT alias, model, create_function FROM chatter.mail_aliases WHERE false;
SELECT inbound, sender, last_error FROM chatter.mailgate_dead_letters WHERE false;
SELECT 1 / count(*) FROM chatter.mail_secret;
SELECT 1 / (chatter._mail_token_check(chatter.mail_token(1, 2))).message::integer;
SELECT 1 / count(*) FROM pg_catalog.pg_proc WHERE oid = 'chatter.mailgate_post(bigint,text,text,text,text,text[],text[],bytea[],text[])'::regprocedure;
SELECT 1 / has_function_privilege('chatter_mailgate', 'chatter.mailgate_accept(bytea,text,text[],jsonb,text,integer)', 'EXECUTE')::integer;

ROLLBACK;
