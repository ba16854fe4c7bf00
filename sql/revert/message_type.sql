-- Revert pgchatter:message_type from pg

BEGIN;

DROP TYPE chatter.message_type;

COMMIT;
