-- Revert pgchatter:message_wire from pg: the @v0.5.0 body (no reactions, flags, star or parent)

BEGIN;

-- One wire shape per message: a message as the HTTP routes, the WebSocket catch-up and the live relay
-- send it, from the row each of them may read. SECURITY INVOKER: the author's name and the attachments are
-- read under the caller's row-level security, as the row itself was. `body` is the stored body and
-- `body_html` its sanitized copy when there is one: the bridge sends body_html, or sanitizes body once
-- and stores the copy (bridge/bodies.py), and never sends both.
CREATE OR REPLACE FUNCTION chatter.message_wire(m chatter.messages) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT pg_catalog.jsonb_build_object(
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
        'attachments', coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                            'id', a.id, 'name', a.name, 'mimetype', a.mimetype, 'size', a.size)
                                        ORDER BY a.id)
                                   FROM chatter.message_attachments AS ma
                                   JOIN chatter.attachments AS a ON a.id = ma.attachment_id
                                  WHERE ma.message_id = m.id), '[]'::jsonb))
$$;
COMMENT ON FUNCTION chatter.message_wire(chatter.messages) IS
    'A message as the API sends it: author, attachments, body and its sanitized copy (body_html)';

ALTER FUNCTION chatter.message_wire(chatter.messages) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter.message_wire(chatter.messages) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chatter.message_wire(chatter.messages) TO chatter_app;

COMMIT;
