-- Deploy pgchatter:messages_record_idx to pg
-- requires: messages
-- requires: messages_author_idx

BEGIN;

-- Issue 23: every message on a record (every Tracking message) inserts into this index, and it was the
-- dearest of chatter.messages' indexes for the bulk path: 15,100 of ~79,500 instructions per row of a
-- bulk tracked UPDATE (typed storage; bench/tracking_indexes.py). Two changes, same readers:
-- * keyed (document, model, id) instead of (model, document, id): each step of an insertion's descent
--   compared the model's text first (equal on almost every step: one record's messages, one model's
--   records), then the document; now the integer decides most comparisons. Every reader compares both
--   with `=` (the feed, record search, the followed records' join: model and document together), and
--   for fixed model and document the rows come in id order either way. (No reader asks for a model's
--   messages alone.)
-- * deduplicate_items = off: keys are unique (id is in the key), so a deduplication pass, tried each time
--   a leaf page fills, never merges anything. (Bottom-up deletion of old versions does not depend on it.)
-- Measured (per row of a 2,000-row tracked UPDATE): 79,488 -> 73,666 instructions, -7.3%; the key order
-- alone -5,021, deduplication off alone -1,185.
-- (On a large table, build the new index first with CREATE INDEX CONCURRENTLY under another name, then
-- drop the old one and rename.)
DROP INDEX chatter.messages_record_idx;
CREATE INDEX messages_record_idx ON chatter.messages (document, model, id) WITH (deduplicate_items = off);
COMMENT ON INDEX chatter.messages_record_idx IS
    'A record''s feed, newest first by id: model and document compared with = (document first: cheaper to insert)';

COMMIT;
