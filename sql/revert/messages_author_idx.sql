-- Revert pgchatter:messages_author_idx from pg

BEGIN;

DROP INDEX chatter.messages_author_id_idx;
CREATE INDEX messages_author_id_idx ON chatter.messages (author_id);

COMMIT;
