-- Revert pgchatter:roles from pg

BEGIN;

REVOKE ALL ON SCHEMA chatter FROM chatter_app;

-- Another database of the cluster may still grant to the role: then it stays.
DO $$
BEGIN
    DROP ROLE chatter_app;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role chatter_app kept: another database still uses it';
END
$$;

COMMIT;
