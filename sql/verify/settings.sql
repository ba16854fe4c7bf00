-- Verify pgchatter:settings on pg

BEGIN;

SELECT 1 / count(*) FROM chatter.settings WHERE name = 'chat_email_delay';

ROLLBACK;
