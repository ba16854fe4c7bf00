-- Revert pgchatter:messages_subtype_guard from pg
-- The foreign key back (validated: the triggers kept every subtype_id valid).

BEGIN;

DROP TRIGGER subtypes_truncate_messages ON chatter.subtypes;
DROP TRIGGER subtypes_update_messages ON chatter.subtypes;
DROP TRIGGER subtypes_delete_messages ON chatter.subtypes;
DROP FUNCTION chatter._subtype_references();
DROP TRIGGER messages_subtype ON chatter.messages;
DROP FUNCTION chatter._message_subtype();
ALTER TABLE chatter.messages
    ADD CONSTRAINT messages_subtype_id_fkey FOREIGN KEY (subtype_id) REFERENCES chatter.subtypes (id) ON DELETE SET NULL;

COMMIT;
