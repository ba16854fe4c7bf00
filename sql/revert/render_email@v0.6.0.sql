-- Revert pgchatter:render_email from pg
-- Restores the v0.5.0 render_email: one message per email, chat or not.

BEGIN;

-- Everything the listener needs to write the email of one notification. The body is the stored HTML:
-- the listener sanitizes it (every output path does).
CREATE OR REPLACE FUNCTION chatter.render_email(notification bigint, address text, mail_domain text) RETURNS jsonb
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

DROP FUNCTION chatter._chat_email_html(bigint);

COMMIT;
