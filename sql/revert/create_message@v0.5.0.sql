-- Revert pgchatter:create_message from pg
-- Restores the v0.3.0 definitions.

BEGIN;

-- One may attach only files one can see: create_message runs as its owner, past row-level security, and
-- a message hands its attachments to all its readers. For a caller under the policies of chatter_app this
-- applies the attachments_visible rule (record_rls) on the caller's behalf: the files of records whose table
-- the caller's role may read, one's own uploads, and the files carried by a message one can read (chat of
-- a visible channel; on a record: readable, one's own, or one was notified of it). A missing file and a
-- hidden one get the same answer. Other roles (the system, the table owners) may attach any file.
CREATE OR REPLACE FUNCTION chatter._check_attachable(attachments bigint[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    -- SECURITY DEFINER changes current_user but not the role setting: this is the caller's role.
    invoker name := coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user);
    restricted boolean;
    acting bigint := chatter.current_user_id();
    mine bigint := chatter.current_contact_id();
    refused bigint;
BEGIN
    SELECT NOT (r.rolsuper OR r.rolbypassrls) AND pg_catalog.pg_has_role(invoker, 'chatter_app', 'MEMBER')
      INTO restricted FROM pg_catalog.pg_roles AS r WHERE r.rolname = invoker;
    restricted := coalesce(restricted, true);
    SELECT x INTO refused FROM unnest(coalesce(attachments, '{}')) AS x
     WHERE NOT EXISTS (
        SELECT FROM chatter.attachments AS a
         WHERE a.id = x
           AND (NOT restricted
                OR a.created_by = mine
                OR a.model IN (SELECT chatter._models_readable_by(invoker))
                OR EXISTS (
                    SELECT FROM chatter.message_attachments AS ma JOIN chatter.messages AS m ON m.id = ma.message_id
                     WHERE ma.attachment_id = a.id
                       AND CASE WHEN m.channel_id IS NOT NULL THEN
                                EXISTS (SELECT FROM chatter.channels AS c WHERE c.id = m.channel_id
                                           AND (c.kind = 'Public' OR c.id IN (SELECT chatter._my_channel_ids())))
                           ELSE m.author_id = mine OR m.model IN (SELECT chatter._models_readable_by(invoker))
                                OR EXISTS (SELECT FROM chatter.notifications AS n
                                            WHERE n.message_id = m.id AND n.user_id = acting)
                           END)))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'attachment % not found', coalesce(refused::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._check_attachable(bigint[]) IS
    'CH003 unless the caller may see every attachment (row-level security applied on its behalf)';
REVOKE EXECUTE ON FUNCTION chatter._check_attachable(bigint[]) FROM PUBLIC;

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
    new_id bigint;
BEGIN
    IF body IS NULL THEN
        RAISE EXCEPTION 'a message needs a body' USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter._check_optional_record(model, document);
    PERFORM chatter._check_contacts(coalesce(contacts, '{}'));
    PERFORM chatter._check_attachable(attachments);
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

-- Odoo _message_log: a Note in the feed, nobody notified.
CREATE OR REPLACE FUNCTION chatter.log_message(model text, document bigint, body text, author bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM chatter._check_record(model, document);
    IF body IS NULL THEN
        RAISE EXCEPTION 'a message needs a body' USING ERRCODE = 'CH005';
    END IF;
    INSERT INTO chatter.messages AS m (message_type, subtype_id, model, document, body, author_id)
    VALUES ('Note', (SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'note'), model, document, body,
            chatter._author(author))
    RETURNING m.id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION chatter.log_message(text, bigint, text, bigint) IS 'Log a Note on a record without notifying anyone';

-- Odoo message_notify: tell contacts about a record without adding to its feed.
CREATE OR REPLACE FUNCTION chatter.notify(model text, document bigint, body text, contacts bigint[], subject text DEFAULT NULL,
                               author bigint DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM chatter._check_record(model, document);
    IF coalesce(cardinality(contacts), 0) = 0 THEN
        RAISE EXCEPTION 'notify needs contacts' USING ERRCODE = 'CH005';
    END IF;
    PERFORM chatter._check_contacts(contacts);
    INSERT INTO chatter.messages AS m (message_type, subtype_id, model, document, subject, body, author_id, in_feed)
    VALUES ('Message', (SELECT s.id FROM chatter.subtypes AS s WHERE s.identifier = 'comment'), model, document,
            subject, coalesce(body, ''), chatter._author(author), false)
    RETURNING m.id INTO new_id;
    INSERT INTO chatter.message_recipients (message_id, contact_id) SELECT DISTINCT new_id, c FROM unnest(contacts) AS c;
    PERFORM chatter._notify_audience(new_id, true);
END
$$;
COMMENT ON FUNCTION chatter.notify(text, bigint, text, bigint[], text, bigint) IS
    'Notify contacts about a record (in-app, and email by preference) without adding to its feed';

DROP FUNCTION chatter._notify(text, bigint, text, bigint[], text, bigint);
DROP FUNCTION chatter._log_message(text, bigint, text, bigint);
DROP FUNCTION chatter._create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[], bigint[],
                                      boolean, boolean, text, bigint, text, text);
DROP FUNCTION chatter._check_parent(bigint, text, bigint);
DROP FUNCTION chatter._check_attachments(bigint[], text, bigint);

COMMIT;
