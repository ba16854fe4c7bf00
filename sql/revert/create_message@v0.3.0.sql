-- Revert pgchatter:create_message from pg
-- Restores the v0.2.0 create_message, which only checks that the attachments exist.

BEGIN;

CREATE OR REPLACE FUNCTION chatter.create_message(
    body text,
    subject text DEFAULT NULL,
    author bigint DEFAULT NULL,
    message_type chatter.message_type DEFAULT 'Message',
    model text DEFAULT NULL,
    document bigint DEFAULT NULL,
    contacts bigint[] DEFAULT '{}',
    attachments bigint[] DEFAULT '{}',
    send boolean DEFAULT false,
    send_immediately boolean DEFAULT false,
    subtype text DEFAULT NULL,
    parent bigint DEFAULT NULL,
    from_email text DEFAULT NULL,
    reply_to text DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    writer bigint := chatter._author(author);
    kind chatter.message_type := coalesce(message_type, 'Message');
    subtype_id bigint;
    missing bigint;
    new_id bigint;
BEGIN
    IF body IS NULL THEN
        RAISE EXCEPTION 'a message needs a body' USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter._check_optional_record(model, document);
    PERFORM chatter._check_contacts(coalesce(contacts, '{}'));
    SELECT x INTO missing FROM unnest(coalesce(attachments, '{}')) AS x
     WHERE NOT EXISTS (SELECT FROM chatter.attachments AS a WHERE a.id = x) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown attachment %', coalesce(missing::text, 'NULL') USING ERRCODE = 'CH005';
    END IF;
    IF parent IS NOT NULL AND NOT EXISTS (SELECT FROM chatter.messages AS p WHERE p.id = parent) THEN
        RAISE EXCEPTION 'unknown parent message %', parent USING ERRCODE = 'CH005';
    END IF;
    SELECT s.id INTO subtype_id FROM chatter.subtypes AS s
     WHERE s.identifier = coalesce(subtype, CASE kind WHEN 'Message' THEN 'comment' WHEN 'Note' THEN 'note'
                                                      ELSE 'tracking' END);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown subtype %', quote_literal(subtype) USING ERRCODE = 'CH005';
    END IF;
    IF kind = 'Message' AND model IS NOT NULL THEN
        PERFORM chatter._record_contacts(model, document, true);   -- email-only correspondents become contacts
    END IF;

    INSERT INTO chatter.messages AS m (message_type, subtype_id, model, document, subject, body, author_id,
                                       from_email, reply_to, parent_id)
    VALUES (kind, subtype_id, model, document, subject, body, writer, from_email, reply_to, parent)
    RETURNING m.id INTO new_id;
    INSERT INTO chatter.message_recipients (message_id, contact_id)
    SELECT DISTINCT new_id, c FROM unnest(coalesce(contacts, '{}')) AS c;
    INSERT INTO chatter.message_attachments (message_id, attachment_id)
    SELECT DISTINCT new_id, a FROM unnest(coalesce(attachments, '{}')) AS a;
    UPDATE chatter.attachments AS a SET model = create_message.model, document = create_message.document
     WHERE a.id = ANY (attachments) AND a.model IS NULL AND create_message.model IS NOT NULL;

    -- Notes are never emailed; Tracking notifies no one.
    IF kind <> 'Tracking' THEN
        IF chatter._notify_audience(new_id, send AND kind = 'Message', send_immediately) = 0
           AND send AND kind = 'Message' THEN
            RAISE EXCEPTION 'nobody to email: no recipient has an email address and allows email'
                USING ERRCODE = 'CH001';
        END IF;
    END IF;

    -- The author of a message on a record follows it (Odoo auto-subscribe); an existing choice stays.
    IF kind = 'Message' AND model IS NOT NULL AND writer IS NOT NULL THEN
        INSERT INTO chatter.followers (model, document, contact_id, subtype_ids)
        VALUES (model, document, writer, chatter._subtype_ids(model, NULL))
        ON CONFLICT (model, document, contact_id) WHERE contact_id IS NOT NULL DO NOTHING;
    END IF;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION chatter.create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[], bigint[],
                                           boolean, boolean, text, bigint, text, text) IS
    'Post a message or note (seed Message.create_message): audience notified in-app, emailed with send => true';

DROP FUNCTION chatter._check_attachable(bigint[]);

COMMIT;
