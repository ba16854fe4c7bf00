-- Verify pgchatter:realtime_wakeup on pg

BEGIN;

SELECT 1 / (p.prosrc LIKE '%chatter._wake_bridges()%')::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid = 'chatter._wake_bridge()'::regprocedure;
SELECT 1 / count(*) FROM pg_catalog.pg_trigger AS t
 WHERE t.tgrelid = 'chatter.messages'::regclass AND t.tgname = 'messages_wake_bridge' AND t.tgqual IS NOT NULL
   AND t.tgenabled = 'A';

ROLLBACK;
