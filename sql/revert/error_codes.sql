-- Revert pgchatter:error_codes from pg

BEGIN;

DROP TABLE chatter.error_codes;

COMMIT;
