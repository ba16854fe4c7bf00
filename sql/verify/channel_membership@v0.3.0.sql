-- Verify pgchatter:channel_membership on pg

BEGIN;

SELECT 'chatter.channel_join(bigint, bigint)'::regprocedure, 'chatter.channel_leave(bigint, bigint)'::regprocedure,
       'chatter.channel_mute(bigint, bigint, boolean)'::regprocedure;

ROLLBACK;
