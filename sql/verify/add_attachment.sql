-- Verify pgchatter:add_attachment on pg

BEGIN;

SELECT 1 / (p.prosecdef)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter._add_attachment(text, bytea, text, text, bigint)'::regprocedure;
SELECT 1 / (NOT p.prosecdef)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.oid = 'chatter.add_attachment(text, bytea, text, text, bigint)'::regprocedure;

ROLLBACK;
