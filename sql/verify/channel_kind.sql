-- Verify pgchatter:channel_kind on pg

BEGIN;

SELECT 'Public'::chatter.channel_kind, 'Private'::chatter.channel_kind, 'Direct'::chatter.channel_kind;

ROLLBACK;
