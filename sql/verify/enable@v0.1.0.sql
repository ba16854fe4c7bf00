-- Verify pgchatter:enable on pg

BEGIN;

SELECT 'chatter.enable(regclass, boolean, boolean, text[], text, text)'::regprocedure;
SELECT 'chatter.disable(regclass)'::regprocedure;
SELECT 'chatter._integer_key(regclass)'::regprocedure;
SELECT 'chatter._default_model_name(regclass)'::regprocedure;
SELECT 'chatter._check_contact_columns(regclass, text[])'::regprocedure;

ROLLBACK;
