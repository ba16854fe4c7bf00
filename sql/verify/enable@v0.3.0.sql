-- Verify pgchatter:enable on pg

BEGIN;

SELECT 1 / (pg_get_functiondef('chatter.enable(regclass, boolean, boolean, text[], text, text)'::regprocedure)
            LIKE '%_track_install%')::int;
SELECT 1 / (pg_get_functiondef('chatter.disable(regclass)'::regprocedure) LIKE '%_track_uninstall%')::int;

ROLLBACK;
