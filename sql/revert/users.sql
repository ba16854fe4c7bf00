-- Revert pgchatter:users from pg

BEGIN;

DROP TABLE chatter.users;

COMMIT;
