-- Revert pgchatter:activity_done from pg
-- Restores the v0.3.0 definitions.

BEGIN;

-- SECURITY DEFINER: logging the feedback writes chatter.messages, which chatter_app only reads.
CREATE OR REPLACE FUNCTION chatter.activity_done(activity bigint, feedback text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    act chatter.activities;
    kind chatter.activity_types;
    next_kind chatter.activity_types;
    body text;
BEGIN
    SELECT a.* INTO act FROM chatter.activities AS a WHERE a.id = activity_done.activity FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'activity % not found', coalesce(activity_done.activity::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    IF act.done THEN
        RAISE EXCEPTION 'activity % is already done', act.id USING ERRCODE = 'CH005';
    END IF;
    SELECT t.* INTO kind FROM chatter.activity_types AS t WHERE t.id = act.activity_type_id;

    UPDATE chatter.activities AS a
       SET done = true, done_date = now(), feedback = nullif(btrim(activity_done.feedback), '')
     WHERE a.id = act.id;

    -- Logged on the record's feed as a note of subtype "activities"; every value HTML-escaped.
    body := pg_catalog.format('<p><span class="activity-type">%s</span> done: <b>%s</b></p>',
                              chatter._activity_escape(kind.name), chatter._activity_escape(act.name));
    IF nullif(btrim(activity_done.feedback), '') IS NOT NULL THEN
        body := body || pg_catalog.format('<div class="activity-feedback">%s</div>',
                                          chatter._activity_escape(btrim(activity_done.feedback)));
    END IF;
    INSERT INTO chatter.messages (message_type, subtype_id, model, document, body, author_id)
    VALUES ('Note', (SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'activities'),
            act.model, act.record, body, chatter.current_contact_id());

    -- Chaining (Odoo "trigger next activity"): the next type is scheduled for the same assignee.
    SELECT t.* INTO next_kind FROM chatter.activity_types AS t WHERE t.id = kind.next_type_id;
    IF FOUND THEN
        INSERT INTO chatter.activities (name, deadline, activity_type_id, model, record, assigned_to)
        VALUES (next_kind.name, current_date + next_kind.default_scheduled_date, next_kind.id,
                act.model, act.record, act.assigned_to);
    END IF;
END
$$;
COMMENT ON FUNCTION chatter.activity_done(bigint, text) IS
    'Mark an activity done, log it with the feedback on the record''s feed, schedule the chained next one';

-- Minimal HTML escaping for text put into message bodies.
CREATE OR REPLACE FUNCTION chatter._activity_escape(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
    SELECT replace(replace(replace(replace(replace(value, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   '"', '&quot;'), '''', '&#39;')
$$;
COMMENT ON FUNCTION chatter._activity_escape(text) IS 'HTML-escape text for an activity message body';

REVOKE EXECUTE ON FUNCTION chatter._activity_escape(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.activity_done(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.activity_done(bigint, text) TO chatter_app;

DROP FUNCTION chatter._activity_done(bigint, text);

COMMIT;
