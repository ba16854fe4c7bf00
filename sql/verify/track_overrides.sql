-- Verify pgchatter:track_overrides on pg

BEGIN;

SELECT tbl, attnum, track FROM chatter.tracked_column_overrides WHERE false;

ROLLBACK;
