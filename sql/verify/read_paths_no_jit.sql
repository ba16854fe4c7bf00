-- Verify pgchatter:read_paths_no_jit on pg

BEGIN;

SELECT 1 / (count(*) = 6)::int FROM pg_catalog.pg_proc
 WHERE oid IN ('chatter.unread_counts(bigint)'::regprocedure, 'chatter.unread_count(bigint, bigint)'::regprocedure, 'chatter.channel_history(bigint, integer, bigint)'::regprocedure, 'chatter.record_feed(text, bigint, integer, bigint)'::regprocedure, 'chatter.inbox_count(bigint)'::regprocedure, 'chatter.activity_counts(bigint)'::regprocedure)
   AND 'jit=off' = ANY (proconfig);

ROLLBACK;
