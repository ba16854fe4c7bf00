-- Revert pgchatter:activity_types_protect from pg

BEGIN;

DROP TRIGGER activity_types_protect ON chatter.activity_types;
DROP FUNCTION chatter._activity_types_protect();

COMMIT;
