-- Verify pgchatter:error_codes_protected on pg

BEGIN;

SELECT 1 / count(*)::integer FROM chatter.error_codes
 WHERE sqlstate = 'CH002' AND meaning = 'protected activity type or built-in subtype' AND http_status = 409;

ROLLBACK;
