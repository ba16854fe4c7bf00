-- Verify pgchatter:track_ddl on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_event_trigger WHERE evtname = 'chatter_track_ddl' AND evtenabled <> 'D';
SELECT 1 / count(*) FROM pg_catalog.pg_event_trigger WHERE evtname = 'chatter_track_drop' AND evtenabled <> 'D';

ROLLBACK;
