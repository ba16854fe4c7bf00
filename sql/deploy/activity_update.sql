-- Deploy pgchatter:activity_update to pg
-- requires: activity_done
-- requires: activity_check
-- requires: activity_ping
-- requires: record_rls_rows

BEGIN;

-- Edit, reschedule, reassign (Odoo's activity form): NULL keeps a value. SECURITY INVOKER: the caller's
-- row-level security decides, as for a plain UPDATE (activities_update: internal users, on readable
-- records, the assignee or the one who scheduled it). An activity one cannot see is CH003, one one may
-- not change CH004, a done one CH005. Reassigning pings the new assignee (the activities_ping trigger,
-- as for schedule_activity).
CREATE FUNCTION chatter.activity_update(activity bigint, name text DEFAULT NULL, deadline date DEFAULT NULL,
                                        assigned_to bigint DEFAULT NULL, description text DEFAULT NULL,
                                        activity_type text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
    act chatter.activities;
    acting bigint := chatter.current_user_id();
    kind_id bigint;
BEGIN
    SELECT a.* INTO act FROM chatter.activities AS a WHERE a.id = activity_update.activity;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'activity % not found', coalesce(activity_update.activity::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF act.done THEN
        RAISE EXCEPTION 'activity % is done: it is no longer edited', act.id USING ERRCODE = 'CH005';
    END IF;
    IF acting IS NOT NULL AND acting IS DISTINCT FROM act.assigned_to AND acting IS DISTINCT FROM act.created_by THEN
        RAISE EXCEPTION 'only the assignee or the one who scheduled activity % changes it', act.id
            USING ERRCODE = 'CH004';
    END IF;
    IF activity_update.name IS NOT NULL AND btrim(activity_update.name) = '' THEN
        RAISE EXCEPTION 'an activity title cannot be blank' USING ERRCODE = 'CH005';
    END IF;
    -- Lengths (title, description): chatter.limits, checked by the activities' trigger (activity_check)
    -- for every writer.
    IF activity_update.assigned_to IS NOT NULL
       AND NOT EXISTS (SELECT FROM chatter.users AS u WHERE u.id = activity_update.assigned_to) THEN
        RAISE EXCEPTION 'user % not found', activity_update.assigned_to USING ERRCODE = 'CH003';
    END IF;
    IF activity_update.activity_type IS NOT NULL THEN
        SELECT t.id INTO kind_id FROM chatter.activity_types AS t WHERE t.identifier = activity_update.activity_type;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown activity type %', pg_catalog.quote_literal(activity_update.activity_type)
                USING ERRCODE = 'CH005', HINT = 'pass an identifier of chatter.activity_types, e.g. activity_call';
        END IF;
    END IF;
    UPDATE chatter.activities AS a
       SET name = coalesce(btrim(activity_update.name), a.name),
           deadline = coalesce(activity_update.deadline, a.deadline),
           assigned_to = coalesce(activity_update.assigned_to, a.assigned_to),
           description = CASE WHEN activity_update.description IS NULL THEN a.description
                              ELSE nullif(btrim(activity_update.description), '') END,
           activity_type_id = coalesce(kind_id, a.activity_type_id)
     WHERE a.id = act.id;
    IF NOT FOUND THEN   -- row-level security filtered the UPDATE
        RAISE EXCEPTION 'activity % is not yours to change', act.id USING ERRCODE = 'CH004';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.activity_update(bigint, text, date, bigint, text, text) IS
    'Edit, reschedule or reassign an open activity (NULL keeps a value; the assignee or its scheduler); '
    'reassigning pings the new assignee';

ALTER FUNCTION chatter.activity_update(bigint, text, date, bigint, text, text) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter.activity_update(bigint, text, date, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.activity_update(bigint, text, date, bigint, text, text) TO chatter_app;

COMMIT;
