-- Verify pgchatter:contacts on pg

BEGIN;

SELECT id, name, email, is_company, company_id, created_at FROM chatter.contacts WHERE false;

ROLLBACK;
