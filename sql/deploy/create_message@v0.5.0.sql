-- Deploy pgchatter:create_message to pg
-- requires: create_message@v0.3.0
-- requires: vouchers, message_audience

BEGIN;

-- SPEC 2a: the public writers are SECURITY INVOKER wrappers. Each vouches, in the caller's context, that
-- the caller may read the record (chatter._vouch: the application's own grants and row-level security),
-- then calls its SECURITY DEFINER part, which redeems that voucher before writing. A definer part called
-- directly, without a voucher, answers CH003 as for a missing record.

DROP FUNCTION chatter._check_attachable(bigint[]);

-- A message may carry only files that are already on its record, or the caller's own uploads not yet on
-- any record. Both are decided from the rows alone, so the definer part can check them: the record's
-- readability is the voucher. A file of another record, or someone else's, gets the answer of a missing
-- one. The system attaches anything.
CREATE FUNCTION chatter._check_attachments(attachments bigint[], model text, document bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    system boolean := chatter._caller_is_system();
    mine bigint := chatter.current_contact_id();
    refused bigint;
BEGIN
    SELECT x INTO refused FROM unnest(coalesce(attachments, '{}')) AS x
     WHERE NOT EXISTS (
        SELECT FROM chatter.attachments AS a
         WHERE a.id = x
           AND (system
                OR (a.model = _check_attachments.model AND a.document = _check_attachments.document)
                OR (a.model IS NULL AND a.created_by = mine)))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'attachment % not found', coalesce(refused::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._check_attachments(bigint[], text, bigint) IS
    'CH003 unless every attachment is on the message''s record or is the caller''s own unlinked upload';

-- A reply stays in its thread: the parent is a message of the same record (readable by the voucher), or,
-- for a message on no record, one the caller wrote or was notified of. A chat message is never a parent
-- here (channel_post threads chat). Anything else is "unknown", as if it did not exist.
CREATE FUNCTION chatter._check_parent(parent bigint, model text, document bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    IF parent IS NULL OR chatter._caller_is_system() AND EXISTS (SELECT FROM chatter.messages AS p WHERE p.id = parent) THEN
        RETURN;
    END IF;
    IF NOT EXISTS (
        SELECT FROM chatter.messages AS p
         WHERE p.id = parent AND p.channel_id IS NULL
           AND CASE WHEN _check_parent.model IS NOT NULL
                    THEN p.model = _check_parent.model AND p.document = _check_parent.document
                    ELSE p.model IS NULL AND (p.author_id = chatter.current_contact_id()
                                              OR EXISTS (SELECT FROM chatter.notifications AS n
                                                          WHERE n.message_id = p.id
                                                            AND n.user_id = chatter.current_user_id())) END)
    THEN
        RAISE EXCEPTION 'unknown parent message %', parent USING ERRCODE = 'CH005';
    END IF;
END
$$;
COMMENT ON FUNCTION chatter._check_parent(bigint, text, bigint) IS
    'CH005 unless the parent is a message of the same thread that the caller may read';

-- The definer part of create_message: as in v0.3.0, with the record redeemed from the caller's voucher,
-- attachments and parent checked by thread, and Tracking messages left to the tracking triggers.
CREATE FUNCTION chatter._create_message(
    body text, subject text, author bigint, message_type chatter.message_type, model text, document bigint,
    contacts bigint[], attachments bigint[], send boolean, send_immediately boolean, subtype text, parent bigint,
    from_email text, reply_to text
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
    IF (model IS NULL) <> (document IS NULL) THEN
        RAISE EXCEPTION 'model and document go together' USING ERRCODE = 'CH005';
    END IF;
    IF model IS NOT NULL THEN
        PERFORM chatter._redeem(model, document);
    END IF;
    IF kind = 'Tracking' AND NOT chatter._caller_is_system() THEN
        RAISE EXCEPTION 'Tracking messages are written by the tracking triggers' USING ERRCODE = 'CH004';
    END IF;
    PERFORM chatter._check_contacts(coalesce(contacts, '{}'));
    PERFORM chatter._check_attachments(attachments, model, document);
    PERFORM chatter._check_parent(parent, model, document);
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
    UPDATE chatter.attachments AS a SET model = _create_message.model, document = _create_message.document
     WHERE a.id = ANY (attachments) AND a.model IS NULL AND _create_message.model IS NOT NULL;

    -- Notes are never emailed; Tracking notifies no one; internal subtypes reach internal users only
    -- (message_audience).
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
COMMENT ON FUNCTION chatter._create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[],
                                            bigint[], boolean, boolean, text, bigint, text, text) IS
    'Definer part of create_message: CH003 unless the caller vouched for the record in this transaction';

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
SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    IF model IS NOT NULL AND document IS NOT NULL THEN
        PERFORM chatter._vouch(model, document);
    END IF;
    RETURN chatter._create_message(body, subject, author, message_type, model, document, contacts, attachments,
                                   send, send_immediately, subtype, parent, from_email, reply_to);
END
$$;

-- Odoo _message_log: a Note in the feed, nobody notified.
CREATE FUNCTION chatter._log_message(model text, document bigint, body text, author bigint) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM chatter._redeem(model, document);
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
COMMENT ON FUNCTION chatter._log_message(text, bigint, text, bigint) IS
    'Definer part of log_message: CH003 unless the caller vouched for the record in this transaction';

CREATE OR REPLACE FUNCTION chatter.log_message(model text, document bigint, body text, author bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._vouch(model, document);
    RETURN chatter._log_message(model, document, body, author);
END
$$;

-- Odoo message_notify: tell contacts about a record without adding to its feed.
CREATE FUNCTION chatter._notify(model text, document bigint, body text, contacts bigint[], subject text,
                                author bigint) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM chatter._redeem(model, document);
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
COMMENT ON FUNCTION chatter._notify(text, bigint, text, bigint[], text, bigint) IS
    'Definer part of notify: CH003 unless the caller vouched for the record in this transaction';

CREATE OR REPLACE FUNCTION chatter.notify(model text, document bigint, body text, contacts bigint[],
                                          subject text DEFAULT NULL, author bigint DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = ''
AS $$
BEGIN
    PERFORM chatter._vouch(model, document);
    PERFORM chatter._notify(model, document, body, contacts, subject, author);
END
$$;

REVOKE EXECUTE ON FUNCTION chatter._check_attachments(bigint[], text, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._check_parent(bigint, text, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[],
                                                   bigint[], boolean, boolean, text, bigint, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._log_message(text, bigint, text, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._notify(text, bigint, text, bigint[], text, bigint) FROM PUBLIC;
-- The wrappers run as chatter_app and call their definer parts; a direct call needs a voucher anyway.
GRANT EXECUTE ON FUNCTION chatter._create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[],
                                                  bigint[], boolean, boolean, text, bigint, text, text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._log_message(text, bigint, text, bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter._notify(text, bigint, text, bigint[], text, bigint) TO chatter_app;

COMMIT;
