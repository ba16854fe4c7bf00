-- Revert pgchatter:mentions from pg

BEGIN;

DROP FUNCTION chatter._mentioned_contacts(text);

COMMIT;
