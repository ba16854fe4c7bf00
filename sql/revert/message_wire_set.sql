-- Revert pgchatter:message_wire_set from pg

BEGIN;

DROP FUNCTION chatter.message_wire_set(chatter.messages);

COMMIT;
