-- Verify pgchatter:realtime_wakeup on pg

BEGIN;

SELECT 1 / count(*)::int FROM pg_catalog.pg_trigger
 WHERE tgrelid = 'chatter.messages'::regclass AND tgname = 'messages_wake_bridge' AND tgenabled = 'A';

ROLLBACK;
