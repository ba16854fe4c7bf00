-- Revert pgchatter:realtime_events from pg

BEGIN;

DROP TABLE chatter.realtime_events;

COMMIT;
