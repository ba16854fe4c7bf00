-- Deploy pgchatter:activity_check to pg
-- requires: activity_check@v0.5.0
-- requires: limits

BEGIN;

-- An activity's title was limited by a CHECK (23514, a message naming a constraint) and its description
-- and feedback not at all. Now chatter.limits holds them, and the check trigger, which every writer
-- meets, answers CH005 naming the limit: the title up to activity_title_chars, description and feedback
-- up to body_chars (the feedback becomes a message body anyway). The CHECK keeps only "not blank".
INSERT INTO chatter.limits (name, value, description) VALUES
    ('activity_title_chars', 200, 'characters in an activity title');
ALTER TABLE chatter.activities DROP CONSTRAINT activities_name_check;
ALTER TABLE chatter.activities ADD CONSTRAINT activities_name_check CHECK (btrim(name) <> '');
-- The trigger runs as the writer (SECURITY INVOKER, for the record check): chatter_app may ask a limit.
GRANT EXECUTE ON FUNCTION chatter._within_limit(text, bigint, text) TO chatter_app;

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
    IF TG_OP = 'INSERT' OR NEW.name IS DISTINCT FROM OLD.name THEN
        PERFORM chatter._within_limit('activity_title_chars', length(NEW.name), 'the activity title (characters)');
    END IF;
    IF TG_OP = 'INSERT' OR NEW.description IS DISTINCT FROM OLD.description
       OR NEW.feedback IS DISTINCT FROM OLD.feedback THEN
        PERFORM chatter._within_limit('body_chars', greatest(length(NEW.description), length(NEW.feedback)),
                                      'the activity description or feedback (characters)');
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
    'Trigger: CH003 unless the writer may read the activity''s record; default title; limits (CH005); '
    'done_date follows done';

COMMIT;
