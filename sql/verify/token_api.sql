-- Verify pgchatter:token_api on pg

BEGIN;

SELECT 'chatter.token_create(text, text, timestamptz)'::regprocedure,
       'chatter.token_user(text)'::regprocedure,
       'chatter.token_revoke(bigint)'::regprocedure;

ROLLBACK;
