-- Verify pgchatter:current_user_id on pg

BEGIN;

-- (chatter._active_contact, which this change made, is dropped by drop_active_contact: not checked here, so
-- that verifying the whole plan passes.)
SELECT 'chatter._caller_is_system()'::regprocedure, 'chatter._user_id_setting()'::regprocedure,
       'chatter._acting_internal()'::regprocedure;
SELECT 1 / (p.prosrc LIKE '%_caller_is_system%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter.current_user_id()'::regprocedure;

ROLLBACK;
