-- Revert pgchatter:messages_record_idx from pg

BEGIN;

DROP INDEX chatter.messages_record_idx;
CREATE INDEX messages_record_idx ON chatter.messages (model, document, id);

COMMIT;
