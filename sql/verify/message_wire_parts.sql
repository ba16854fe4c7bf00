-- Verify pgchatter:message_wire_parts on pg

BEGIN;

SELECT 1 / (count(*) = 4)::int FROM pg_catalog.pg_proc
 WHERE oid IN ('chatter._wire_attachments(bigint)'::regprocedure, 'chatter._wire_reactions(bigint)'::regprocedure,
               'chatter._wire_parent(bigint)'::regprocedure, 'chatter._wire_bounced(bigint)'::regprocedure)
   AND NOT prosecdef AND provolatile = 's';

ROLLBACK;
