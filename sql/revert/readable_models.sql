-- Revert pgchatter:readable_models from pg

BEGIN;

DROP FUNCTION chatter.check_record_readable(text, bigint);
DROP FUNCTION chatter.readable_models();

COMMIT;
