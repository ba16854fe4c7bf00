-- Revert pgchatter:message_wire_parts from pg

BEGIN;

DROP FUNCTION chatter._wire_attachments(bigint);
DROP FUNCTION chatter._wire_reactions(bigint);
DROP FUNCTION chatter._wire_parent(bigint);
DROP FUNCTION chatter._wire_bounced(bigint);

COMMIT;
