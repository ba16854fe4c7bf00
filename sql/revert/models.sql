-- Revert pgchatter:models from pg

BEGIN;

DROP TABLE chatter.models;

COMMIT;
