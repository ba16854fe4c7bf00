-- Verify pgchatter:record_rls_rows on pg

BEGIN;

SELECT 1 / (count(*) = 6)::integer FROM pg_catalog.pg_policies
 WHERE schemaname = 'chatter' AND qual LIKE '%record_readable%'
   AND policyname IN ('messages_record_read', 'followers_visible', 'attachments_visible', 'activities_read',
                      'activities_update', 'activities_delete');
SELECT 1 / (c.relrowsecurity)::integer FROM pg_catalog.pg_class AS c
 WHERE c.oid IN ('chatter.contacts'::regclass, 'chatter.users'::regclass);
SELECT 1 / (NOT pg_catalog.has_column_privilege('chatter_app', 'chatter.activities', 'created_by', 'INSERT'))::integer;

ROLLBACK;
