-- Deploy pgchatter:error_codes_protected to pg
-- requires: error_codes
-- requires: subtypes_protect

BEGIN;

-- subtypes_protect raises CH002 ('protected') for the built-in subtype tracking, as activity_types_protect
-- does for the shipped activity types: the meaning says both. Same status (409).
UPDATE chatter.error_codes SET meaning = 'protected activity type or built-in subtype' WHERE sqlstate = 'CH002';

COMMIT;
