-- Verify pgchatter:messages_shape_check on pg

BEGIN;

-- The CHECK, or (since limits@v0.7.0) the same rules in the messages_limits trigger: a whole-plan
-- `sqitch verify` checks this change against the schema as it is now.
SELECT 1 / (EXISTS (SELECT FROM pg_catalog.pg_constraint AS c
                     WHERE c.conrelid = 'chatter.messages'::regclass AND c.conname = 'messages_shape_check'
                       AND c.contype = 'c')
            OR pg_catalog.strpos(pg_catalog.pg_get_functiondef(
                   pg_catalog.to_regprocedure('chatter._message_limits()')), 'messages_shape_check') > 0)::integer;
SELECT 1 / (count(*) <= 1)::integer FROM pg_catalog.pg_constraint AS c
 WHERE c.conrelid = 'chatter.messages'::regclass AND c.contype = 'c';

ROLLBACK;
