-- Verify pgchatter:outbox_batch on pg

BEGIN;

SELECT 'chatter.outbox_done(text, bigint[])'::regprocedure,
       'chatter.outbox_release(text, bigint[], text, interval)'::regprocedure;

ROLLBACK;
