-- Revert pgchatter:users_share from pg

BEGIN;

ALTER TABLE chatter.users DROP COLUMN share;

COMMIT;
