-- Verify pgchatter:realtime_wakeup on pg

BEGIN;

-- Both functions run the template's code flat.
SELECT 1 / (pg_catalog.strpos(p.prosrc, chatter._wake_bridges_sql()) > 0)::integer
  FROM pg_catalog.pg_proc AS p WHERE p.oid IN ('chatter._wake_bridge()'::regprocedure, 'chatter._wake_bridges()'::regprocedure);
-- The statement trigger, or (since limits@v0.8.0) the same wake-up inside the messages_limits trigger: a
-- whole-plan `sqitch verify` checks this change against the schema as it is now.
SELECT 1 / (EXISTS (SELECT FROM pg_catalog.pg_trigger AS t
                     WHERE t.tgrelid = 'chatter.messages'::regclass AND t.tgname = 'messages_wake_bridge'
                       AND t.tgqual IS NOT NULL AND t.tgenabled = 'A')
            OR pg_catalog.strpos(pg_catalog.pg_get_functiondef('chatter._message_limits()'::regprocedure),
                                 chatter._wake_bridges_sql()) > 0)::integer;

ROLLBACK;
