-- Revert pgchatter:contacts from pg

BEGIN;

DROP TABLE chatter.contacts;

COMMIT;
