-- Verify pgchatter:channel_rls on pg

BEGIN;

SELECT 1 / (count(*) = 3)::int FROM pg_catalog.pg_class
 WHERE oid IN ('chatter.channels'::regclass, 'chatter.channel_members'::regclass, 'chatter.messages'::regclass)
   AND relrowsecurity;
SELECT 1 / (count(*) = 5)::int FROM pg_catalog.pg_policies
 WHERE schemaname = 'chatter'
   AND policyname IN ('channels_visible', 'channel_members_visible', 'messages_app', 'messages_channel_read',
                      'messages_channel_write');

ROLLBACK;
