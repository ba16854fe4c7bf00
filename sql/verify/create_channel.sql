-- Verify pgchatter:create_channel on pg

BEGIN;

SELECT 'chatter.create_channel(text, chatter.channel_kind, bigint, bigint[], text)'::regprocedure;
SELECT 'chatter.channels_kind_name_key'::regclass;
SELECT 1 / count(*) FROM chatter.limits WHERE name = 'channel_name_chars';

ROLLBACK;
