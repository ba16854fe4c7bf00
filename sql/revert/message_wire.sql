-- Revert pgchatter:message_wire from pg (to v0.9.0: tracking as stored)
-- requires: message_wire@v0.6.0
-- requires: mailgate

BEGIN;

-- One wire shape per message: a message as the HTTP routes, the WebSocket catch-up and the live relay
-- send it, from the row each of them may read. SECURITY INVOKER: the author's name, the attachments, the
-- reactions and the parent are read under the caller's row-level security, as the row itself was. `body`
-- is the stored body and `body_html` its sanitized copy when there is one: the bridge sends body_html, or
-- sanitizes body once and stores the copy (bridge/bodies.py), and never sends both.
-- Issue 21: `edited` / `edited_at`, `deleted` (a tombstone: empty body), `reactions` (per emoji: count and
-- contacts, first reaction first), `starred` (by the acting user; false for the relay, which acts for no
-- one: the page keeps its own), `parent` (the replied-to message: author and a plain-text excerpt).
-- Read-path cost: each of the three additions is one index probe (reactions by their unique key, stars
-- by their primary key, the parent by id and only for replies).
-- Issue 22: `bounced`, the recipients whose email of this message came back as a delivery report
-- (chatter.message_bounces, readable with the message): name and address, so the page can say whose
-- mail bounced. One primary-key probe when none did.
-- PL/pgSQL, not SQL: a SQL function with SET search_path is never inlined, and its body was parsed and
-- planned again in every statement that called it (0.8 ms: a relay poll of one message paid 0.85 ms, of
-- none 0.02); PL/pgSQL keeps the plan for the session, so a call costs the index probes (~30 us).
CREATE OR REPLACE FUNCTION chatter.message_wire(m chatter.messages) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN pg_catalog.jsonb_build_object(
        'id', m.id,
        'message_type', m.message_type,
        'subtype', (SELECT s.identifier FROM chatter.subtypes AS s WHERE s.id = m.subtype_id),
        'model', m.model,
        'document', m.document,
        'channel_id', m.channel_id,
        'subject', m.subject,
        'body', m.body,
        'body_html', m.body_html,
        'author', CASE WHEN m.author_id IS NOT NULL THEN pg_catalog.jsonb_build_object(
                      'id', m.author_id,
                      'name', (SELECT c.name FROM chatter.contacts AS c WHERE c.id = m.author_id)) END,
        'from_email', m.from_email,
        'parent_id', m.parent_id,
        'tracking', m.tracking,
        'created_at', m.created_at,
        'edited', m.edited_at IS NOT NULL,
        'edited_at', m.edited_at,
        'deleted', m.deleted_at IS NOT NULL,
        'attachments', coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                            'id', a.id, 'name', a.name, 'mimetype', a.mimetype, 'size', a.size)
                                        ORDER BY a.id)
                                   FROM chatter.message_attachments AS ma
                                   JOIN chatter.attachments AS a ON a.id = ma.attachment_id
                                  WHERE ma.message_id = m.id), '[]'::jsonb),
        -- The EXISTS first: the aggregate over no rows costs ~25 us a message, the probe ~3 (20,000 messages).
        'reactions', CASE WHEN EXISTS (SELECT FROM chatter.reactions AS x WHERE x.message_id = m.id) THEN
                         (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                     'emoji', r.emoji, 'count', r.n, 'contacts', r.contacts) ORDER BY r.first)
                            FROM (SELECT x.emoji, count(*) AS n, pg_catalog.array_agg(x.contact_id ORDER BY x.id) AS contacts,
                                         min(x.id) AS first
                                    FROM chatter.reactions AS x
                                   WHERE x.message_id = m.id
                                   GROUP BY x.emoji) AS r)
                     ELSE '[]'::jsonb END,
        'starred', EXISTS (SELECT FROM chatter.stars AS st
                            WHERE st.message_id = m.id
                              AND st.user_id = nullif(pg_catalog.current_setting('chatter.user_id', true), '')::bigint),
        'parent', CASE WHEN m.parent_id IS NOT NULL THEN (
                      SELECT pg_catalog.jsonb_build_object(
                                 'id', p.id,
                                 'author', (SELECT c.name FROM chatter.contacts AS c WHERE c.id = p.author_id),
                                 'deleted', p.deleted_at IS NOT NULL,
                                 'excerpt', chatter._preview(p.body))
                        FROM chatter.messages AS p WHERE p.id = m.parent_id) END,
        'bounced', CASE WHEN EXISTS (SELECT FROM chatter.message_bounces AS b WHERE b.message_id = m.id) THEN
                       (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('contact_id', c.id, 'name', c.name,
                                                                                  'email', c.email) ORDER BY c.id)
                          FROM chatter.message_bounces AS b JOIN chatter.contacts AS c ON c.id = b.contact_id
                         WHERE b.message_id = m.id)
                   ELSE '[]'::jsonb END);
END
$$;
COMMENT ON FUNCTION chatter.message_wire(chatter.messages) IS
    'A message as the API sends it: author, attachments, reactions, edited/deleted, starred, parent, bounced, body and body_html';

COMMIT;
