-- Deploy pgchatter:messages_author_idx to pg
-- requires: messages

BEGIN;

-- Issue 23: the author index holds only messages that have an author. Bulk writes run with no acting user
-- (imports, crons, the system): their Tracking messages, and incoming mail from unknown senders, have
-- author_id NULL, and every one of them paid a btree insertion of a NULL key that no reader asks for.
-- Every reader by author compares with `=` (strict), which implies `author_id IS NOT NULL`, so the partial
-- index still serves it: the contacts foreign key's ON DELETE SET NULL (`UPDATE ONLY chatter.messages SET
-- author_id = NULL WHERE $1 = author_id`, a generic plan), and a caller's `WHERE author_id = $1` under the
-- row-level policies (`=` on bigint is leakproof). The policy's own `author_id = current_contact_id()`
-- sits inside a CASE and is a filter, with or without this index. Tested in messages_author_idx_test.
-- (On a large table, build it first with CREATE INDEX CONCURRENTLY under another name, then swap.)
DROP INDEX chatter.messages_author_id_idx;
CREATE INDEX messages_author_id_idx ON chatter.messages (author_id) WHERE author_id IS NOT NULL;
COMMENT ON INDEX chatter.messages_author_id_idx IS
    'Messages by author, those with one only (a NULL author is never looked up): the contacts foreign key''s ON DELETE SET NULL';

COMMIT;
