-- Verify pgchatter:record_lookup on pg

BEGIN;

SELECT 'chatter._model(text)'::regprocedure, 'chatter._check_record(text, bigint)'::regprocedure;

ROLLBACK;
