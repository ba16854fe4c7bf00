-- Revert pgchatter:track_ddl from pg
-- Restores the v0.3.0 event trigger functions.

BEGIN;

-- After ALTER TABLE or COMMENT on a registered table (or on a table one of them references, whose
-- display column may have moved), refresh its key column and regenerate its tracking function.
-- SECURITY DEFINER: whoever alters their table, the generated code in schema chatter is rewritten by
-- the schema owner.
CREATE OR REPLACE FUNCTION chatter._track_on_ddl() RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    m chatter.models;
BEGIN
    FOR m IN
        SELECT DISTINCT r.*
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS cmd
          JOIN chatter.models AS r
            ON r."table" = cmd.objid
            OR EXISTS (SELECT FROM pg_catalog.pg_constraint AS k
                        WHERE k.conrelid = r."table" AND k.contype = 'f' AND k.confrelid = cmd.objid)
         WHERE cmd.classid = 'pg_catalog.pg_class'::regclass
    LOOP
        UPDATE chatter.models AS r SET key_column = chatter._integer_key(m."table") WHERE r."table" = m."table";
        IF m.track THEN
            PERFORM chatter._track_install(m."table");
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION chatter._track_on_ddl() IS
    'Event trigger: ALTER TABLE / COMMENT on a tracked table regenerates its tracking without enable()';

-- A dropped table leaves the registry, a dropped column its override.
CREATE OR REPLACE FUNCTION chatter._track_on_drop() RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    dropped oid;
BEGIN
    FOR dropped IN
        DELETE FROM chatter.models AS r
         USING pg_catalog.pg_event_trigger_dropped_objects() AS d
         WHERE d.object_type = 'table' AND d.objid = r."table"
        RETURNING r."table"::oid
    LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS chatter.%I()', 'track_' || dropped);
    END LOOP;
    DELETE FROM chatter.tracked_column_overrides AS o
     USING pg_catalog.pg_event_trigger_dropped_objects() AS d
     WHERE d.objid = o.tbl AND (d.object_type = 'table' OR (d.object_type = 'table column' AND d.objsubid = o.attnum));
END
$$;
COMMENT ON FUNCTION chatter._track_on_drop() IS 'Event trigger: forget dropped tables and columns';

REVOKE EXECUTE ON FUNCTION chatter._track_on_ddl() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._track_on_drop() FROM PUBLIC;


COMMIT;
