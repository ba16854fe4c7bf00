-- Verify pgchatter:readable_models on pg

BEGIN;

SELECT 'chatter.readable_models()'::regprocedure, 'chatter._models_readable_by(name)'::regprocedure,
       'chatter.check_record_readable(text, bigint)'::regprocedure;

ROLLBACK;
