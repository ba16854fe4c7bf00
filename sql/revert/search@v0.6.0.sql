-- Revert pgchatter:search from pg

BEGIN;

DROP FUNCTION chatter.search_messages(text, text, bigint, bigint, integer, bigint);
DROP FUNCTION chatter._search_messages(text, text, bigint, bigint, integer, bigint);
DROP FUNCTION chatter._search_channel_hits(tsquery, bigint[], bigint, integer);
ALTER TABLE chatter.messages DROP COLUMN search_vector;   -- and its index
DROP FUNCTION chatter.set_search_config(regconfig);
DROP FUNCTION chatter._search_vector(text, text);
DROP FUNCTION chatter._search_config();
DROP FUNCTION chatter._search_text(text, integer);
DELETE FROM chatter.limits WHERE name = 'search_chars';

COMMIT;
