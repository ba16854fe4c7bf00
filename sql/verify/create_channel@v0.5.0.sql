-- Verify pgchatter:create_channel on pg

BEGIN;

SELECT 'chatter.create_channel(text, chatter.channel_kind, bigint, bigint[], text)'::regprocedure;

ROLLBACK;
