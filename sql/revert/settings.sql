-- Revert pgchatter:settings from pg

BEGIN;

DROP TABLE chatter.settings;

COMMIT;
