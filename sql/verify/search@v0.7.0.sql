-- Verify pgchatter:search on pg

BEGIN;

SELECT message_id, model, document, channel_id, rank, snippet
  FROM chatter.search_messages('verify', "limit" => 1) WHERE false;
SELECT search_vector FROM chatter.messages WHERE false;
SELECT 1 / count(*) FROM pg_indexes WHERE schemaname = 'chatter' AND indexname = 'messages_search_idx';
SELECT 1 / count(*) FROM chatter.limits WHERE name = 'search_chars';
SELECT 1 / count(*) FROM pg_indexes WHERE schemaname = 'chatter' AND indexname = 'messages_id_brin';
SELECT has_function_privilege('chatter.set_search_config(regconfig)', 'EXECUTE');

ROLLBACK;
