-- Verify pgchatter:realtime_events on pg

BEGIN;

SELECT id, user_id, data, created_at FROM chatter.realtime_events WHERE false;
SELECT 1 / (NOT pg_catalog.has_table_privilege('chatter_app', 'chatter.realtime_events', 'INSERT'))::integer;

ROLLBACK;
