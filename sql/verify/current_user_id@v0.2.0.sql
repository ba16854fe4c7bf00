-- Verify pgchatter:current_user_id on pg

BEGIN;

SELECT pg_catalog.has_function_privilege('chatter.current_user_id()', 'execute');
SELECT pg_catalog.has_function_privilege('chatter.current_contact_id()', 'execute');

ROLLBACK;
