-- Revert pgchatter:current_user_id from pg

BEGIN;

DROP FUNCTION chatter.current_contact_id();
DROP FUNCTION chatter.current_user_id();

COMMIT;
