-- Verify pgchatter:create_message on pg

BEGIN;

-- The public writers run as the caller; their definer parts hold the writes.
SELECT 1 / (count(*) = 3)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.pronamespace = 'chatter'::regnamespace AND p.proname IN ('create_message', 'log_message', 'notify')
   AND NOT p.prosecdef;
SELECT 1 / (count(*) = 3)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.pronamespace = 'chatter'::regnamespace AND p.proname IN ('_create_message', '_log_message', '_notify')
   AND p.prosecdef;

ROLLBACK;
