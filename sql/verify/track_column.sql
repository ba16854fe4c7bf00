-- Verify pgchatter:track_column on pg

BEGIN;

SELECT 'chatter.track_column(regclass, name, boolean)'::regprocedure;

ROLLBACK;
