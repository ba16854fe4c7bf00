-- Verify pgchatter:followers_api on pg

BEGIN;

SELECT 1 / (count(*) = 3)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.pronamespace = 'chatter'::regnamespace
   AND p.proname IN ('_subscribe', '_subscribe_channel', '_unsubscribe') AND p.prosecdef;
SELECT 1 / (count(*) = 0)::integer FROM pg_catalog.pg_proc AS p
 WHERE p.pronamespace = 'chatter'::regnamespace
   AND p.proname IN ('subscribe', 'subscribe_channel', 'unsubscribe') AND p.prosecdef;

ROLLBACK;
