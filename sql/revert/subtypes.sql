-- Revert pgchatter:subtypes from pg

BEGIN;

DROP TABLE chatter.subtypes;

COMMIT;
