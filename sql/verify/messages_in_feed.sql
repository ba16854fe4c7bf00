-- Verify pgchatter:messages_in_feed on pg

BEGIN;

SELECT in_feed FROM chatter.messages WHERE false;

ROLLBACK;
