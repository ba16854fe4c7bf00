-- Verify pgchatter:record_feed on pg

BEGIN;

SELECT 'chatter.record_feed(text, bigint, integer, bigint)'::regprocedure;

ROLLBACK;
