-- Verify pgchatter:channel_archive on pg

BEGIN;

SELECT 'chatter.channel_archive(bigint)'::regprocedure, 'chatter.channel_unarchive(bigint)'::regprocedure,
       'chatter._channel_set_archived(bigint, boolean)'::regprocedure;

ROLLBACK;
