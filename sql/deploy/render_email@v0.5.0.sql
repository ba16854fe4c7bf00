-- Deploy pgchatter:render_email to pg
-- requires: notifications, attachments, record_label, message_audience

BEGIN;

-- One Message-ID per message and recipient, the same on every attempt: a duplicate sent after a crash
-- is recognisable, and a reply threads under the mail its recipient received.
CREATE FUNCTION chatter.email_message_id(message bigint, contact bigint, mail_domain text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
    SELECT '<pgchatter.' || message || '.' || contact || '@' || mail_domain || '>'
$$;
COMMENT ON FUNCTION chatter.email_message_id(bigint, bigint, text) IS
    'Stable Message-ID of the email of a message to one recipient: <pgchatter.MESSAGE.CONTACT@domain>';

-- Everything the listener needs to write the email of one notification. The body is the stored HTML:
-- the listener sanitizes it (every output path does).
CREATE FUNCTION chatter.render_email(notification bigint, address text, mail_domain text) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT jsonb_build_object(
        'to', address,
        'to_name', c.name,
        'from_name', coalesce(a.name, m.from_email),
        'from_address', coalesce(a.email, m.from_email),
        'reply_to', coalesce(nullif(btrim(m.reply_to), ''), a.email, m.from_email),
        'subject', coalesce(nullif(btrim(m.subject), ''), chatter.record_label(m.model, m.document),
                            'Message from ' || coalesce(a.name, m.from_email, 'Someone')),
        'html', m.body,
        'date', m.created_at,
        'model', m.model,
        'document', m.document,
        'record_label', chatter.record_label(m.model, m.document),
        'message_id', chatter.email_message_id(m.id, n.contact_id, mail_domain),
        'in_reply_to', CASE WHEN m.parent_id IS NOT NULL
                            THEN chatter.email_message_id(m.parent_id, n.contact_id, mail_domain) END,
        'references', (WITH RECURSIVE up (id, parent_id, depth) AS (
                           SELECT p.id, p.parent_id, 1 FROM chatter.messages AS p WHERE p.id = m.parent_id
                           UNION ALL
                           SELECT p.id, p.parent_id, up.depth + 1
                             FROM chatter.messages AS p JOIN up ON p.id = up.parent_id
                            WHERE up.depth < 100)
                       SELECT string_agg(chatter.email_message_id(up.id, n.contact_id, mail_domain), ' '
                                         ORDER BY up.depth DESC)
                         FROM up),
        'attachments', coalesce((SELECT jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name,
                                                                     'mimetype', t.mimetype, 'size', t.size)
                                                  ORDER BY t.id)
                                   FROM chatter.message_attachments AS ma
                                   JOIN chatter.attachments AS t ON t.id = ma.attachment_id
                                  WHERE ma.message_id = m.id), '[]'::jsonb))
      FROM chatter.notifications AS n
      JOIN chatter.messages AS m ON m.id = n.message_id
      JOIN chatter.contacts AS c ON c.id = n.contact_id
      LEFT JOIN chatter.contacts AS a ON a.id = m.author_id
     WHERE n.id = notification
$$;
COMMENT ON FUNCTION chatter.render_email(bigint, text, text) IS
    'Email of a notification: to, from (the author), reply_to, subject (or the record''s label), html, '
    'message_id, in_reply_to, references, attachments';

-- The Web Push request of a notification: the subscription's keys and notification_payload.
CREATE FUNCTION chatter.render_push(notification bigint, subscription bigint) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT jsonb_build_object('endpoint', p.endpoint, 'p256dh', p.p256dh, 'auth', p.auth,
                              'subscription_id', p.id, 'expired', p.expired_at IS NOT NULL,
                              'payload', chatter.notification_payload(n.message_id))
      FROM chatter.notifications AS n, chatter.push_subscriptions AS p
     WHERE n.id = notification AND p.id = subscription
$$;
COMMENT ON FUNCTION chatter.render_push(bigint, bigint) IS
    'Web Push of a notification to one subscription: endpoint, keys and notification_payload';

REVOKE EXECUTE ON FUNCTION chatter.email_message_id(bigint, bigint, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.render_email(bigint, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION chatter.render_push(bigint, bigint) FROM PUBLIC;

COMMIT;
