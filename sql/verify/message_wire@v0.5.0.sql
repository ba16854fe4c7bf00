-- Verify pgchatter:message_wire on pg

BEGIN;

SELECT 'chatter.message_wire(chatter.messages)'::regprocedure;

ROLLBACK;
