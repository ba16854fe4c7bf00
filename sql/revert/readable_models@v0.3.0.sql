-- Revert pgchatter:readable_models from pg

BEGIN;

DROP FUNCTION chatter.check_record_readable(text, bigint);
DROP FUNCTION chatter.readable_models();
DROP FUNCTION chatter._models_readable_by(name);

COMMIT;
