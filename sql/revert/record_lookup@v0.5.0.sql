-- Revert pgchatter:record_lookup from pg

BEGIN;

DROP FUNCTION chatter._check_record(text, bigint);
DROP FUNCTION chatter._model(text);

COMMIT;
