-- Verify pgchatter:inbox on pg

BEGIN;

SELECT 1 / (NOT p.prosecdef)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.inbox_count(bigint)'::regprocedure;
SELECT 1 / ('security_invoker=true' = ANY (c.reloptions))::integer FROM pg_catalog.pg_class AS c
 WHERE c.oid = 'chatter.inbox'::regclass;

ROLLBACK;
