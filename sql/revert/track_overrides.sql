-- Revert pgchatter:track_overrides from pg

BEGIN;

DROP TABLE chatter.tracked_column_overrides;

COMMIT;
