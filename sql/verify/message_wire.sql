-- Verify pgchatter:message_wire on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_proc
 WHERE oid = 'chatter.message_wire(chatter.messages)'::regprocedure
   AND prosrc LIKE '%''reactions''%' AND prosrc LIKE '%''parent''%' AND prosrc LIKE '%''bounced''%'
   AND prolang = (SELECT oid FROM pg_catalog.pg_language WHERE lanname = 'plpgsql');
-- Issue 23: tracking through the one renderer.
SELECT 1 / count(*) FROM pg_catalog.pg_proc
 WHERE oid = 'chatter.message_wire(chatter.messages)'::regprocedure
   AND prosrc LIKE '%chatter.tracking_json(m.tracking, m.tracking_values)%';

ROLLBACK;
