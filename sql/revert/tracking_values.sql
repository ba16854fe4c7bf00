-- Revert pgchatter:tracking_values from pg

BEGIN;

-- Messages written with typed values get today's stored form back (the tracking jsonb, rendered by the
-- one renderer) before the column goes: nothing written meanwhile is lost.
UPDATE chatter.messages AS m SET tracking = chatter.tracking_json(m.tracking, m.tracking_values)
 WHERE m.tracking_values IS NOT NULL AND m.tracking IS NULL;

DROP FUNCTION chatter.track_storage(regclass, text);
ALTER TABLE chatter.models DROP COLUMN tracking_storage;
DROP FUNCTION chatter.tracking_read(chatter.messages);
DROP FUNCTION chatter.tracking_json(jsonb, chatter.tracking_value[]);
ALTER TABLE chatter.messages DROP COLUMN tracking_values;
DROP TYPE chatter.tracking_value;
COMMENT ON COLUMN chatter.messages.tracking IS
    'Tracking messages: [{field, label, old_value, new_value, old_display, new_display}]';

COMMIT;
