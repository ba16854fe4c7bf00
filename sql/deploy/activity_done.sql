-- Deploy pgchatter:activity_done to pg
-- requires: activity_done@v0.4.0

BEGIN;

-- As in v0.4.0, with the one HTML escape of the schema (chatter._html_escape, the tracking renderer's)
-- instead of a twin of its own.
CREATE OR REPLACE FUNCTION chatter._activity_done(activity bigint, feedback text) RETURNS void
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
                              chatter._html_escape(kind.name), chatter._html_escape(act.name));
    IF nullif(btrim(_activity_done.feedback), '') IS NOT NULL THEN
        body := body || pg_catalog.format('<div class="activity-feedback">%s</div>',
                                          chatter._html_escape(btrim(_activity_done.feedback)));
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
DROP FUNCTION chatter._activity_escape(text);

COMMIT;
