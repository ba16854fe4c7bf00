-- Revert pgchatter:followers from pg

BEGIN;

DROP TABLE chatter.followers;

COMMIT;
