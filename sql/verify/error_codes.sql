-- Verify pgchatter:error_codes on pg

BEGIN;

SELECT sqlstate, name, meaning, http_status FROM chatter.error_codes WHERE false;
SELECT 1 / (count(*) = 5)::int FROM chatter.error_codes;

ROLLBACK;
