-- Revert pgchatter:message_wire from pg

BEGIN;

DROP FUNCTION chatter.message_wire(chatter.messages);

COMMIT;
