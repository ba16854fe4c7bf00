-- Revert pgchatter:message_audience from pg
-- Restores the v0.3.0 definitions.

BEGIN;

-- Contacts named by the record's contact columns. An email column whose address has no contact gets one
-- (name = the address) when create is true, so every recipient is a contact with a notification row.
CREATE OR REPLACE FUNCTION chatter._record_contacts(model text, document bigint, "create" boolean DEFAULT false)
RETURNS SETOF bigint
LANGUAGE plpgsql
SET search_path = ''
AS $$
DECLARE
    m chatter.models;
    col text;
    value text;
    found_id bigint;
BEGIN
    SELECT * INTO m FROM chatter.models AS r WHERE r.model = _record_contacts.model;
    IF NOT FOUND OR document IS NULL THEN
        RETURN;
    END IF;
    FOREACH col IN ARRAY m.contact_columns LOOP
        EXECUTE format('SELECT %I::text FROM %s WHERE %I = $1', col, m."table", m.key_column)
           INTO value USING document;
        CONTINUE WHEN value IS NULL OR btrim(value) = '';
        IF value ~ '^[0-9]+$' THEN
            RETURN NEXT value::bigint;
            CONTINUE;
        END IF;
        value := lower(btrim(value));
        CONTINUE WHEN value !~ '^[^@[:space:]<>]+@[^@[:space:]<>]+$';
        SELECT c.id INTO found_id FROM chatter.contacts AS c WHERE lower(c.email) = value ORDER BY c.id LIMIT 1;
        IF found_id IS NULL AND "create" THEN
            INSERT INTO chatter.contacts (name, email) VALUES (value, value) RETURNING id INTO found_id;
        END IF;
        IF found_id IS NOT NULL THEN
            RETURN NEXT found_id;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION chatter._record_contacts(text, bigint, boolean) IS
    'Contacts of a record''s contact columns (seed _collaborate_contact); email-only addresses become contacts';

-- Who hears of a message: followers subscribed to its subtype, explicit recipients, mentions and the
-- record's contacts, minus the author, filtered by preference. Notes reach only the mentioned; Tracking
-- no one; a notify() message (not in the feed) only its recipients and mentions.
CREATE OR REPLACE FUNCTION chatter.message_audience(message bigint) RETURNS TABLE (contact_id bigint, email text, via text[])
LANGUAGE sql
SET search_path = ''
AS $$
    WITH msg AS (SELECT m.* FROM chatter.messages AS m WHERE m.id = message_audience.message),
    raw (contact_id, via) AS (
        SELECT f.contact_id, 'follower' FROM msg
          JOIN chatter.followers AS f ON f.model = msg.model AND f.document = msg.document
         WHERE msg.message_type = 'Message' AND msg.in_feed AND f.contact_id IS NOT NULL
           AND msg.subtype_id = ANY (f.subtype_ids)
        UNION ALL
        SELECT u.contact_id, 'channel' FROM msg
          JOIN chatter.followers AS f ON f.model = msg.model AND f.document = msg.document
          JOIN chatter.channel_members AS cm ON cm.channel_id = f.channel_id
          JOIN chatter.users AS u ON u.id = cm.user_id
         WHERE msg.message_type = 'Message' AND msg.in_feed AND msg.subtype_id = ANY (f.subtype_ids)
        UNION ALL
        SELECT r.contact_id, 'recipient' FROM msg
          JOIN chatter.message_recipients AS r ON r.message_id = msg.id
         WHERE msg.message_type = 'Message'
        UNION ALL
        SELECT x, 'mention' FROM msg, chatter._mentioned_contacts(msg.body) AS x
         WHERE msg.message_type <> 'Tracking'
        UNION ALL
        SELECT x, 'record' FROM msg, chatter._record_contacts(msg.model, msg.document) AS x
         WHERE msg.message_type = 'Message' AND msg.in_feed
    )
    SELECT r.contact_id, c.email, array_agg(DISTINCT r.via ORDER BY r.via)
      FROM raw AS r
      CROSS JOIN msg
      JOIN chatter.contacts AS c ON c.id = r.contact_id
      LEFT JOIN chatter.users AS u ON u.contact_id = r.contact_id
     WHERE r.contact_id IS DISTINCT FROM msg.author_id
       -- A chat message reaches only members of its channel.
       AND (msg.channel_id IS NULL OR EXISTS (SELECT FROM chatter.channel_members AS cm
                                               WHERE cm.channel_id = msg.channel_id AND cm.user_id = u.id))
       -- Users by their preference; other contacts can only be emailed.
       AND CASE WHEN u.id IS NULL THEN c.email IS NOT NULL ELSE u.active AND u.notification <> 'none' END
     GROUP BY r.contact_id, c.email
     ORDER BY r.contact_id
$$;
COMMENT ON FUNCTION chatter.message_audience(bigint) IS
    'Audience of a message: followers of its subtype, recipients, mentions, record contacts; minus author; by preference';

-- The one "you received a message" payload (seed notification_payload): toast, bell and Web Push.
CREATE OR REPLACE FUNCTION chatter.notification_payload(message bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    result jsonb;
BEGIN
    SELECT jsonb_build_object(
               'kind', 'message', 'model', m.model, 'document', m.document, 'message_id', m.id,
               'title', coalesce(a.name, m.from_email, 'Someone'),
               'body', left(coalesce(nullif(btrim(m.subject), ''),
                                     btrim(regexp_replace(
                                         replace(replace(replace(replace(replace(replace(
                                             regexp_replace(m.body, '<[^>]*>', ' ', 'g'),
                                             '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'),
                                             '&#39;', ''''), '&amp;', '&'),
                                         '[[:space:]]+', ' ', 'g'))), 140))
      INTO result
      FROM chatter.messages AS m
      LEFT JOIN chatter.contacts AS a ON a.id = m.author_id
     WHERE m.id = message;
    IF result IS NULL THEN
        RAISE EXCEPTION 'message % not found', coalesce(message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION chatter.notification_payload(bigint) IS
    'kind, model, document, message_id, title (author, from_email or Someone), body (subject or text, 140 chars)';

REVOKE EXECUTE ON FUNCTION chatter._record_contacts(text, bigint, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.message_audience(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.notification_payload(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.notification_payload(bigint) TO chatter_app;

COMMIT;
