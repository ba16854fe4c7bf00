-- Revert pgchatter:messages_shape_check from pg

BEGIN;

ALTER TABLE chatter.messages
    DROP CONSTRAINT messages_shape_check,
    ADD CONSTRAINT messages_model_document_check CHECK ((model IS NULL) = (document IS NULL)),
    ADD CONSTRAINT messages_tracking_check CHECK (tracking IS NULL OR jsonb_typeof(tracking) = 'array'),
    ADD CONSTRAINT messages_channel_or_record_check CHECK (channel_id IS NULL OR model IS NULL);

COMMIT;
