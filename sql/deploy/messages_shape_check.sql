-- Deploy pgchatter:messages_shape_check to pg
-- requires: messages_channel

BEGIN;

-- The same rules as the three CHECKs they replace (messages_model_document_check, messages_tracking_check,
-- messages_channel_or_record_check), in one constraint. The executor compiles every CHECK of a table again
-- for each INSERT statement, which is most of what a CHECK costs a one-row INSERT: on a single-row tracked
-- UPDATE (one Tracking message) the three cost about 10 µs of backend CPU, the one about 2 µs (issue 23;
-- bench/tracking_breakdown.py's ladder). A violation is still SQLSTATE 23514.
ALTER TABLE chatter.messages
    DROP CONSTRAINT messages_model_document_check,
    DROP CONSTRAINT messages_tracking_check,
    DROP CONSTRAINT messages_channel_or_record_check,
    ADD CONSTRAINT messages_shape_check CHECK (
        (model IS NULL) = (document IS NULL)                          -- a record is a model and a document
        AND (channel_id IS NULL OR model IS NULL)                     -- in a channel or on a record, not both
        AND (tracking IS NULL OR jsonb_typeof(tracking) = 'array'));  -- tracking values: an array of entries
COMMENT ON CONSTRAINT messages_shape_check ON chatter.messages IS
    'model and document together; a channel or a record, not both; tracking an array (one CHECK: cheaper per INSERT than three)';

COMMIT;
