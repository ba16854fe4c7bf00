-- Verify pgchatter:error_codes_comment on pg

BEGIN;

SELECT 1 / (pg_catalog.obj_description('chatter.error_codes'::regclass, 'pg_class') LIKE '%bridge/errors.py%')::integer;

ROLLBACK;
