-- Verify pgchatter:message_wire on pg

BEGIN;

-- Issue 25: the shape read from the one definition, chatter.message_wire_set.
SELECT 1 / count(*) FROM pg_catalog.pg_proc
 WHERE oid = 'chatter.message_wire(chatter.messages)'::regprocedure
   AND prosrc LIKE '%chatter.message_wire_set(m)%'
   AND prolang = (SELECT oid FROM pg_catalog.pg_language WHERE lanname = 'plpgsql');

ROLLBACK;
