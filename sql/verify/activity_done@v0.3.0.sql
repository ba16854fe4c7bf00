-- Verify pgchatter:activity_done on pg

BEGIN;

SELECT 'chatter.activity_done(bigint, text)'::regprocedure, 'chatter._activity_escape(text)'::regprocedure;

ROLLBACK;
