-- Revert pgchatter:subtypes_protect from pg
-- The subtype tracking is deletable again (the row stays).

BEGIN;

DROP TRIGGER subtypes_protect_truncate ON chatter.subtypes;
DROP TRIGGER subtypes_protect ON chatter.subtypes;
DROP FUNCTION chatter._subtypes_protect();

COMMIT;
