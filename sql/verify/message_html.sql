-- Verify pgchatter:message_html on pg

BEGIN;

SELECT body_html FROM chatter.messages WHERE false;
SELECT 'chatter.store_body_html(bigint[], text[], text[])'::regprocedure;

ROLLBACK;
