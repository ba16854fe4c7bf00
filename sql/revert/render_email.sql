-- Revert pgchatter:render_email from pg (restores the @v0.6.0 definition)
-- requires: render_email@v0.5.0
-- requires: chat_email

BEGIN;

-- What the recipient has not read of a conversation when its delayed email goes out: from the
-- notification's message on, the messages after the recipient's read marker that others wrote, oldest
-- first, each under its author's name (escaped here; the bodies are sanitized by the listener). At most
-- 50: the email says how many more wait in Discuss.
CREATE OR REPLACE FUNCTION chatter._chat_email_html(notification bigint) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    WITH n AS (SELECT n.contact_id, n.user_id, m.id AS first_id, m.channel_id, cm.last_read_message
                 FROM chatter.notifications AS n
                 JOIN chatter.messages AS m ON m.id = n.message_id
                 LEFT JOIN chatter.channel_members AS cm ON cm.channel_id = m.channel_id AND cm.user_id = n.user_id
                WHERE n.id = notification),
    unread AS (SELECT x.id, x.body, x.author_id FROM n, chatter.messages AS x
                WHERE x.channel_id = n.channel_id AND x.id >= n.first_id AND x.id > coalesce(n.last_read_message, 0)
                  AND x.author_id IS DISTINCT FROM n.contact_id),
    shown AS (SELECT * FROM unread ORDER BY id LIMIT 50)
    SELECT string_agg('<p><b>' || chatter._html_escape(coalesce(a.name, 'Someone')) || '</b></p>' || s.body, ''
                      ORDER BY s.id)
           || CASE WHEN (SELECT count(*) FROM unread) > 50
                   THEN '<p>… and ' || ((SELECT count(*) FROM unread) - 50) || ' more in Discuss</p>' ELSE '' END
      FROM shown AS s LEFT JOIN chatter.contacts AS a ON a.id = s.author_id
$$;
COMMENT ON FUNCTION chatter._chat_email_html(bigint) IS
    'HTML of a delayed DM email: the conversation''s messages the recipient has not read, each under its author';
REVOKE EXECUTE ON FUNCTION chatter._chat_email_html(bigint) FROM PUBLIC;
ALTER FUNCTION chatter._chat_email_html(bigint) OWNER TO chatter_owner;

-- Everything the listener needs to write the email of one notification. The body is the stored HTML:
-- the listener sanitizes it (every output path does). A chat notification's email is the delayed DM
-- email (chat_email): one per conversation, so it lists the conversation's unread messages
-- (chatter._chat_email_html) under "Unread messages from <sender>".
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
                            CASE WHEN m.channel_id IS NOT NULL THEN 'Unread messages from ' || coalesce(a.name, 'Someone') END,
                            'Message from ' || coalesce(a.name, m.from_email, 'Someone')),
        'html', CASE WHEN m.channel_id IS NULL THEN m.body ELSE chatter._chat_email_html(n.id) END,
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

COMMIT;
