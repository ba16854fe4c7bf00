-- Revert pgchatter:realtime_wakeup from pg

BEGIN;

DROP TRIGGER messages_wake_bridge ON chatter.messages;
DROP FUNCTION chatter._wake_bridge();

COMMIT;
