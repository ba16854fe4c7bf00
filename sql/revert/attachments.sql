-- Revert pgchatter:attachments from pg

BEGIN;

DROP TABLE chatter.message_attachments;
DROP TABLE chatter.attachments;

COMMIT;
