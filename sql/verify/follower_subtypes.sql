-- Verify pgchatter:follower_subtypes on pg

BEGIN;

SELECT 'chatter.follower_subtypes(text, bigint)'::regprocedure, 'chatter.model_subtypes(text)'::regprocedure,
       'chatter.edit_subscription(text, bigint, text[], bigint)'::regprocedure;

ROLLBACK;
