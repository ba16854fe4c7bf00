-- Verify pgchatter:users_share on pg

BEGIN;

SELECT share FROM chatter.users WHERE false;

ROLLBACK;
