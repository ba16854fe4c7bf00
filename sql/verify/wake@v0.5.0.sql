-- Verify pgchatter:wake on pg

BEGIN;

SELECT 'chatter._wake(text)'::regprocedure;

ROLLBACK;
