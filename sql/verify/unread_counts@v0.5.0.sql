-- Verify pgchatter:unread_counts on pg

BEGIN;

SELECT 'chatter.unread_count(bigint, bigint)'::regprocedure, 'chatter.unread_counts(bigint)'::regprocedure,
       'chatter.mark_read(bigint, bigint, bigint)'::regprocedure;

ROLLBACK;
