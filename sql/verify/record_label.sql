-- Verify pgchatter:record_label on pg

BEGIN;

SELECT 'chatter.record_label(text, bigint)'::regprocedure;

ROLLBACK;
