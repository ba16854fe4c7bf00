-- Verify pgchatter:realtime_wakeup on pg

BEGIN;

-- Both functions run the template's code flat.
SELECT 1 / (pg_catalog.strpos(p.prosrc, chatter._wake_bridges_sql()) > 0)::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid IN ('chatter._wake_bridge()'::regprocedure, 'chatter._wake_bridges()'::regprocedure);
SELECT 1 / count(*) FROM pg_catalog.pg_trigger AS t
 WHERE t.tgrelid = 'chatter.messages'::regclass AND t.tgname = 'messages_wake_bridge' AND t.tgqual IS NOT NULL
   AND t.tgenabled = 'A';

ROLLBACK;
