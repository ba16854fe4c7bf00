-- Revert pgchatter:schema from pg

BEGIN;

DROP SCHEMA chatter;

COMMIT;
