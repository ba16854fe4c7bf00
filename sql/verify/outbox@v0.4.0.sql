-- Verify pgchatter:outbox on pg

BEGIN;

SELECT 'chatter.outbox_claim(text, integer, interval, integer, text[])'::regprocedure,
       'chatter.outbox_fail(bigint, text, text, boolean, integer)'::regprocedure,
       'chatter.outbox_fail_batch(text, bigint[], text[], boolean[], double precision[], integer)'::regprocedure;
SELECT 1 / (NOT EXISTS (SELECT FROM pg_proc WHERE oid = to_regprocedure('chatter.outbox_claim(text, integer, interval)')))::int;

ROLLBACK;
