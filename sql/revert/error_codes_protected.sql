-- Revert pgchatter:error_codes_protected from pg

BEGIN;

UPDATE chatter.error_codes SET meaning = 'protected activity type' WHERE sqlstate = 'CH002';

COMMIT;
