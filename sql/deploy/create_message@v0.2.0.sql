-- Deploy pgchatter:create_message to pg
-- requires: message_audience, outbox, attachments, followers_api

BEGIN;

-- The notification writer: in-app notifications for the audience's users, email jobs when emailing,
-- push jobs for users with push subscriptions, one throttled wake-up. Returns how many were emailed.
CREATE FUNCTION chatter._notify_audience(message bigint, email boolean, immediate boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    emailed integer;
    written integer;
BEGIN
    INSERT INTO chatter.notifications (message_id, contact_id, user_id, email_status, push_status)
    SELECT _notify_audience.message, a.contact_id, u.id,
           CASE WHEN _notify_audience.email AND a.email IS NOT NULL AND (u.id IS NULL OR u.notification = 'email')
                THEN 'pending' ELSE 'none' END,
           CASE WHEN EXISTS (SELECT FROM chatter.push_subscriptions AS p WHERE p.user_id = u.id AND p.expired_at IS NULL)
                THEN 'pending' ELSE 'none' END
      FROM chatter.message_audience(_notify_audience.message) AS a
      LEFT JOIN chatter.users AS u ON u.contact_id = a.contact_id
     -- Contacts without a login exist only for email.
     WHERE u.id IS NOT NULL OR (_notify_audience.email AND a.email IS NOT NULL)
    ON CONFLICT ON CONSTRAINT notifications_message_contact_key DO NOTHING;
    GET DIAGNOSTICS written = ROW_COUNT;

    INSERT INTO chatter.outbox (kind, notification_id, email, priority)
    SELECT 'email', n.id, c.email, CASE WHEN immediate THEN 0 ELSE 1 END
      FROM chatter.notifications AS n JOIN chatter.contacts AS c ON c.id = n.contact_id
     WHERE n.message_id = _notify_audience.message AND n.email_status = 'pending';
    GET DIAGNOSTICS emailed = ROW_COUNT;
    INSERT INTO chatter.outbox (kind, notification_id, push_subscription_id, priority)
    SELECT 'push', n.id, p.id, CASE WHEN immediate THEN 0 ELSE 1 END
      FROM chatter.notifications AS n
      JOIN chatter.push_subscriptions AS p ON p.user_id = n.user_id AND p.expired_at IS NULL
     WHERE n.message_id = _notify_audience.message AND n.push_status = 'pending';

    IF written > 0 THEN
        PERFORM chatter._wake_listener();
    END IF;
    RETURN emailed;
END
$$;
COMMENT ON FUNCTION chatter._notify_audience(bigint, boolean, boolean) IS
    'Writes notifications and outbox jobs for a message''s audience; returns the number of emails queued';

-- An application user writes as themselves: another author is CH004.
CREATE FUNCTION chatter._author(author bigint) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    mine bigint := chatter.current_contact_id();
BEGIN
    IF author IS NULL THEN
        RETURN mine;
    END IF;
    IF chatter.current_user_id() IS NOT NULL AND author IS DISTINCT FROM mine THEN
        RAISE EXCEPTION 'user % cannot write as contact %', chatter.current_user_id(), author
            USING ERRCODE = 'CH004', HINT = 'wrong user: omit author to write as yourself';
    END IF;
    PERFORM chatter._check_contacts(ARRAY[author]);
    RETURN author;
END
$$;
COMMENT ON FUNCTION chatter._author(bigint) IS 'Author of a new message: the acting user''s contact unless the system names one';

CREATE FUNCTION chatter.create_message(
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

-- Odoo _message_log: a Note in the feed, nobody notified.
CREATE FUNCTION chatter.log_message(model text, document bigint, body text, author bigint DEFAULT NULL) RETURNS bigint
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
CREATE FUNCTION chatter.notify(model text, document bigint, body text, contacts bigint[], subject text DEFAULT NULL,
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

REVOKE EXECUTE ON FUNCTION chatter._notify_audience(bigint, boolean, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter._author(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[],
                                                  bigint[], boolean, boolean, text, bigint, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.log_message(text, bigint, text, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.notify(text, bigint, text, bigint[], text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.create_message(text, text, bigint, chatter.message_type, text, bigint, bigint[],
                                                 bigint[], boolean, boolean, text, bigint, text, text) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.log_message(text, bigint, text, bigint) TO chatter_app;
GRANT EXECUTE ON FUNCTION chatter.notify(text, bigint, text, bigint[], text, bigint) TO chatter_app;

COMMIT;
