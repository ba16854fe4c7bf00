-- Revert pgchatter:track_column from pg

BEGIN;

DROP FUNCTION chatter.track_column(regclass, name, boolean);

COMMIT;
