-- Verify pgchatter:record_rls on pg

BEGIN;

SELECT 1 / (count(*) = 5)::int FROM pg_catalog.pg_class
 WHERE oid IN ('chatter.followers'::regclass, 'chatter.attachments'::regclass,
               'chatter.message_attachments'::regclass, 'chatter.message_recipients'::regclass,
               'chatter.activities'::regclass)
   AND relrowsecurity;
SELECT 1 / (count(*) = 5)::int FROM pg_catalog.pg_policies
 WHERE schemaname = 'chatter'
   AND policyname IN ('messages_record_read', 'followers_visible', 'message_attachments_visible',
                      'attachments_visible', 'message_recipients_visible');
-- activities_visible, or the per-command policies that replaced it later (record_rls_rows): a whole-plan
-- `sqitch verify` checks this change against the schema as it is now.
SELECT 1 / count(*) FROM pg_catalog.pg_policies
 WHERE schemaname = 'chatter' AND tablename = 'activities' AND cmd IN ('SELECT', 'ALL');

ROLLBACK;
