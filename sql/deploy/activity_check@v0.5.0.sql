-- Deploy pgchatter:activity_check to pg
-- requires: activity_check@v0.3.0
-- requires: readable_models

BEGIN;

-- SECURITY INVOKER now: the record check runs as the writer, so a plain INSERT or UPDATE by chatter_app
-- on a record it may not read is CH003, exactly as for a missing record (as SECURITY DEFINER it checked
-- existence only, and the row-level policy then refused a hidden record with a different error: an
-- existence oracle). For the system, readable means the record exists.
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

COMMIT;
