-- Verify pgchatter:messages_shape_check on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_constraint AS c
 WHERE c.conrelid = 'chatter.messages'::regclass AND c.conname = 'messages_shape_check' AND c.contype = 'c';
SELECT 1 / (count(*) = 1)::integer FROM pg_catalog.pg_constraint AS c
 WHERE c.conrelid = 'chatter.messages'::regclass AND c.contype = 'c';

ROLLBACK;
