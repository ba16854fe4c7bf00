-- Verify pgchatter:message_type_email on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_enum
 WHERE enumtypid = 'chatter.message_type'::regtype AND enumlabel = 'Email';

ROLLBACK;
