-- Verify pgchatter:my_channel_ids on pg

BEGIN;

SELECT 'chatter._my_channel_ids()'::regprocedure;

ROLLBACK;
