-- Verify pgchatter:record_rls on pg

BEGIN;

SELECT 1 / (count(*) = 5)::int FROM pg_catalog.pg_class
 WHERE oid IN ('chatter.followers'::regclass, 'chatter.attachments'::regclass,
               'chatter.message_attachments'::regclass, 'chatter.message_recipients'::regclass,
               'chatter.activities'::regclass)
   AND relrowsecurity;
SELECT 1 / (count(*) = 6)::int FROM pg_catalog.pg_policies
 WHERE schemaname = 'chatter'
   AND policyname IN ('messages_record_read', 'followers_visible', 'message_attachments_visible',
                      'attachments_visible', 'message_recipients_visible', 'activities_visible');

ROLLBACK;
