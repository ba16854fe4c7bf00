-- Verify pgchatter:messages_record_idx on pg

BEGIN;

-- Raises (division by zero) unless the record index is keyed (document, model, id) without deduplication.
SELECT 1 / count(*) FROM pg_catalog.pg_index AS i
 WHERE i.indexrelid = 'chatter.messages_record_idx'::regclass
   AND pg_catalog.pg_get_indexdef(i.indexrelid) LIKE '%USING btree (document, model, id) WITH (deduplicate_items=off)';

ROLLBACK;
