-- Revert pgchatter:track_ddl from pg

BEGIN;

DROP EVENT TRIGGER chatter_track_drop;
DROP EVENT TRIGGER chatter_track_ddl;
DROP FUNCTION chatter._track_on_drop();
DROP FUNCTION chatter._track_on_ddl();

COMMIT;
