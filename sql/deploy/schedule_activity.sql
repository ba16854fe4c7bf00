-- Deploy pgchatter:schedule_activity to pg
-- requires: activity_check, activity_ping

BEGIN;

-- SECURITY INVOKER: chatter_app may insert activities; the triggers check the record and ping.
CREATE FUNCTION chatter.schedule_activity(model text, record bigint, activity_type text, assigned_to bigint,
                                          name text DEFAULT NULL, deadline date DEFAULT NULL,
                                          description text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
    kind chatter.activity_types;
    new_id bigint;
BEGIN
    SELECT t.* INTO kind FROM chatter.activity_types AS t WHERE t.identifier = schedule_activity.activity_type;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown activity type %', pg_catalog.quote_literal(coalesce(schedule_activity.activity_type, 'NULL'))
            USING ERRCODE = 'CH005', HINT = 'pass an identifier of chatter.activity_types, e.g. activity_call';
    END IF;
    IF NOT EXISTS (SELECT FROM chatter.users AS u WHERE u.id = schedule_activity.assigned_to) THEN
        RAISE EXCEPTION 'user % not found', coalesce(schedule_activity.assigned_to::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF schedule_activity.name IS NOT NULL AND btrim(schedule_activity.name) = '' THEN
        RAISE EXCEPTION 'an activity title cannot be blank' USING ERRCODE = 'CH005';
    END IF;
    INSERT INTO chatter.activities (name, description, deadline, activity_type_id, model, record, assigned_to)
    VALUES (coalesce(schedule_activity.name, kind.name), schedule_activity.description,
            coalesce(schedule_activity.deadline, current_date + kind.default_scheduled_date),
            kind.id, schedule_activity.model, schedule_activity.record, schedule_activity.assigned_to)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION chatter.schedule_activity(text, bigint, text, bigint, text, date, text) IS
    'Schedule an activity on a record (CH003 unknown record); deadline defaults to today + the type''s delay';

REVOKE EXECUTE ON FUNCTION chatter.schedule_activity(text, bigint, text, bigint, text, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.schedule_activity(text, bigint, text, bigint, text, date, text) TO chatter_app;

COMMIT;
