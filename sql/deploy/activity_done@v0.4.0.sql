-- Deploy pgchatter:activity_done to pg
-- requires: activity_done@v0.3.0
-- requires: vouchers

BEGIN;

-- SPEC 2a: the wrapper finds the activity under row-level security (an activity the caller cannot see is
-- not found) and vouches for its record; the definer part redeems the voucher, then marks it done, logs
-- the feedback and chains the next activity (it writes chatter.messages, which chatter_app only reads).
CREATE FUNCTION chatter._activity_done(activity bigint, feedback text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    act chatter.activities;
    kind chatter.activity_types;
    next_kind chatter.activity_types;
    body text;
BEGIN
    SELECT a.* INTO act FROM chatter.activities AS a WHERE a.id = _activity_done.activity FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'activity % not found', coalesce(_activity_done.activity::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    PERFORM chatter._redeem(act.model, act.record);
    IF act.done THEN
        RAISE EXCEPTION 'activity % is already done', act.id USING ERRCODE = 'CH005';
    END IF;
    SELECT t.* INTO kind FROM chatter.activity_types AS t WHERE t.id = act.activity_type_id;
    UPDATE chatter.activities AS a
       SET done = true, done_date = now(), feedback = nullif(btrim(_activity_done.feedback), '')
     WHERE a.id = act.id;
    -- Logged on the record's feed as a note of subtype "activities"; every value HTML-escaped.
    body := pg_catalog.format('<p><span class="activity-type">%s</span> done: <b>%s</b></p>',
                              chatter._activity_escape(kind.name), chatter._activity_escape(act.name));
    IF nullif(btrim(_activity_done.feedback), '') IS NOT NULL THEN
        body := body || pg_catalog.format('<div class="activity-feedback">%s</div>',
                                          chatter._activity_escape(btrim(_activity_done.feedback)));
    END IF;
    INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id)
    VALUES ('Note', (SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'activities'),
            act.model, act.record, body, chatter.current_contact_id());
    -- Chaining (Odoo "trigger next activity"): the next type is scheduled for the same assignee.
    SELECT t.* INTO next_kind FROM chatter.activity_types AS t WHERE t.id = kind.next_type_id;
    IF FOUND THEN
        INSERT INTO chatter.activities (name, deadline, activity_type_id, model, record, assigned_to, created_by)
        VALUES (next_kind.name, current_date + next_kind.default_scheduled_date, next_kind.id,
                act.model, act.record, act.assigned_to, chatter.current_user_id());
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._activity_done(bigint, text) IS
    'Definer part of activity_done: CH003 unless the caller vouched for the activity''s record';

CREATE OR REPLACE FUNCTION chatter.activity_done(activity bigint, feedback text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = ''
AS $$
DECLARE
    act chatter.activities;
BEGIN
    SELECT a.* INTO act FROM chatter.activities AS a WHERE a.id = activity_done.activity;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'activity % not found', coalesce(activity_done.activity::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    PERFORM chatter._vouch(act.model, act.record);
    PERFORM chatter._activity_done(activity, feedback);
END
$$;

REVOKE EXECUTE ON FUNCTION chatter._activity_done(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter._activity_done(bigint, text) TO chatter_app;

COMMIT;
