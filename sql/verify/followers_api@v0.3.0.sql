-- Verify pgchatter:followers_api on pg

BEGIN;

SELECT 'chatter.subscribe(text, bigint, bigint[], text[])'::regprocedure,
       'chatter.subscribe_channel(text, bigint, bigint, text[])'::regprocedure,
       'chatter.unsubscribe(text, bigint, bigint[])'::regprocedure,
       'chatter.record_followers(text, bigint)'::regprocedure;

ROLLBACK;
