-- Revert pgchatter:activity_check from pg
-- Restores the v0.3.0 trigger, which checked existence as its owner.

BEGIN;

-- Plain INSERT/UPDATE get the same rules as schedule_activity: the record must exist (CH003), the
-- title defaults to the type's name, and marking done stamps done_date.
-- SECURITY DEFINER: checking the record reads the application's table, which chatter_app may not read.
CREATE OR REPLACE FUNCTION chatter._activity_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.model IS DISTINCT FROM OLD.model OR NEW.record IS DISTINCT FROM OLD.record THEN
        PERFORM chatter._check_record(NEW.model, NEW.record);
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
    'Trigger: CH003 unless the activity''s record exists; default title; done_date follows done';
REVOKE EXECUTE ON FUNCTION chatter._activity_check() FROM PUBLIC;


COMMIT;
