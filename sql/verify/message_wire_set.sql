-- Verify pgchatter:message_wire_set on pg

BEGIN;

-- A SQL-standard body, no SET clause, not a definer: what the planner inlines.
SELECT 1 / count(*) FROM pg_catalog.pg_proc
 WHERE oid = 'chatter.message_wire_set(chatter.messages)'::regprocedure
   AND prolang = (SELECT oid FROM pg_catalog.pg_language WHERE lanname = 'sql')
   AND prosqlbody IS NOT NULL AND proconfig IS NULL AND NOT prosecdef AND proretset AND provolatile = 's';
SELECT 1 / count(*) FROM pg_catalog.pg_proc
 WHERE oid = 'chatter.message_wire_set(chatter.messages)'::regprocedure
   AND pg_catalog.pg_get_functiondef(oid) LIKE '% AS bounced%'
   AND pg_catalog.pg_get_functiondef(oid) LIKE '%chatter.tracking_json(%'
   AND pg_catalog.pg_get_functiondef(oid) LIKE '%to_jsonb(%';

ROLLBACK;
