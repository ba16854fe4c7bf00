-- Deploy pgchatter:activity_types_protect to pg
-- requires: activity_types

BEGIN;

-- The shipped types are referenced by identifier from code: they may be renamed (name, icon, delay)
-- but never deleted, re-identified or unprotected.
CREATE FUNCTION chatter._activity_types_protect() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
    IF OLD.protected AND (TG_OP = 'DELETE' OR NEW.identifier IS DISTINCT FROM OLD.identifier OR NOT NEW.protected) THEN
        RAISE EXCEPTION 'activity type % is protected', OLD.identifier
            USING ERRCODE = 'CH002', HINT = 'shipped activity types cannot be deleted or re-identified';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION chatter._activity_types_protect() IS
    'Trigger: CH002 when a protected activity type is deleted, re-identified or unprotected';
REVOKE EXECUTE ON FUNCTION chatter._activity_types_protect() FROM PUBLIC;

CREATE TRIGGER activity_types_protect BEFORE DELETE OR UPDATE ON chatter.activity_types
    FOR EACH ROW EXECUTE FUNCTION chatter._activity_types_protect();

COMMIT;
