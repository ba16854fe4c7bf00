-- Revert pgchatter:activity_check from pg: the trigger as of @v0.5.0, the title's length a CHECK again

BEGIN;

CREATE OR REPLACE FUNCTION chatter._activity_check() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.model IS DISTINCT FROM OLD.model OR NEW.record IS DISTINCT FROM OLD.record THEN
        PERFORM chatter.check_record_readable(NEW.model, NEW.record);
    END IF;
    IF NEW.name IS NULL THEN
        NEW.name := (SELECT t.name FROM chatter.activity_types AS t WHERE t.id = NEW.activity_type_id);
    END IF;
    IF NEW.done AND NEW.done_date IS NULL THEN
        NEW.done_date := now();
    ELSIF NOT NEW.done THEN
        NEW.done_date := NULL;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION chatter._activity_check() IS
    'Trigger: CH003 unless the writer may read the activity''s record; default title; done_date follows done';

REVOKE EXECUTE ON FUNCTION chatter._within_limit(text, bigint, text) FROM chatter_app;
ALTER TABLE chatter.activities DROP CONSTRAINT activities_name_check;
ALTER TABLE chatter.activities ADD CONSTRAINT activities_name_check CHECK (btrim(name) <> '' AND length(name) <= 200);
DELETE FROM chatter.limits WHERE name = 'activity_title_chars';

COMMIT;
