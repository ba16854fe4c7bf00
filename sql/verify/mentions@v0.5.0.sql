-- Verify pgchatter:mentions on pg

BEGIN;

SELECT 'chatter._mentioned_contacts(text)'::regprocedure;

ROLLBACK;
