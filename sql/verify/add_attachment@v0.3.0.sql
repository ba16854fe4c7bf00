-- Verify pgchatter:add_attachment on pg

BEGIN;

SELECT 'chatter.add_attachment(text, bytea, text, text, bigint)'::regprocedure;

ROLLBACK;
