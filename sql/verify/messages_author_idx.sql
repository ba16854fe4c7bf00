-- Verify pgchatter:messages_author_idx on pg

BEGIN;

-- Raises (division by zero) unless the author index is the partial one.
SELECT 1 / count(*) FROM pg_catalog.pg_index AS i
 WHERE i.indexrelid = 'chatter.messages_author_id_idx'::regclass
   AND pg_catalog.pg_get_expr(i.indpred, i.indrelid) = '(author_id IS NOT NULL)';

ROLLBACK;
