-- Verify pgchatter:current_user_id on pg

BEGIN;

SELECT 'chatter._caller_is_system()'::regprocedure, 'chatter._acting_internal()'::regprocedure,
       'chatter._acting_user_sql(boolean)'::regprocedure;
-- Both run the template's code flat: no call of the v0.9.0 helpers.
SELECT 1 / (p.prosrc LIKE '%_caller_is_system%' AND p.prosrc NOT LIKE '%_user_id_setting%'
            AND p.prosrc NOT LIKE '%_active_contact%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.current_user_id()'::regprocedure;
SELECT 1 / (p.prosrc LIKE '%u.active%' AND p.prosrc NOT LIKE '%_active_contact%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.current_contact_id()'::regprocedure;

ROLLBACK;
