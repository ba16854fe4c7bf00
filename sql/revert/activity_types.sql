-- Revert pgchatter:activity_types from pg

BEGIN;

DROP TABLE chatter.activity_types;

COMMIT;
