-- Verify pgchatter:share_rule on pg

BEGIN;

SELECT 1 / (count(*) = 1)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._shown_to_share(chatter.message_type, bigint)'::regprocedure
   AND NOT p.prosecdef AND p.proconfig = ARRAY['search_path=""'];
SELECT 1 / (count(*) = 1)::integer FROM pg_catalog.pg_policies AS p
 WHERE p.schemaname = 'chatter' AND p.tablename = 'messages' AND p.policyname = 'messages_record_read'
   AND p.qual LIKE '%chatter._shown_to_share(message_type, subtype_id)%';

ROLLBACK;
