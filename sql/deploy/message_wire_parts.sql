-- Deploy pgchatter:message_wire_parts to pg
-- requires: message_wire

BEGIN;

-- The parts of a message's wire shape that few messages have (files, reactions, a parent, bounces), each
-- as a function that chatter.message_wire_set calls only after an index probe finds there is something to
-- show. Inline, their aggregates, sorts and joins were part of every plan that reads messages in the wire
-- shape and were started with it, needed or not: about 180,000 of the 330,000 instructions the relay's read
-- of new messages took to start each poll (bench/relay_instructions.py, issue 25). PL/pgSQL: its plan is
-- kept for the session; SECURITY INVOKER, so each reads under the caller's row-level security exactly as
-- the subquery it replaces did (a file, reaction, parent or bounce the caller may not read is not there).
CREATE FUNCTION chatter._wire_attachments(message bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                'id', a.id, 'name', a.name, 'mimetype', a.mimetype, 'size', a.size) ORDER BY a.id)
                       FROM chatter.message_attachments AS ma
                       JOIN chatter.attachments AS a ON a.id = ma.attachment_id
                      WHERE ma.message_id = message), '[]'::jsonb);
END
$$;
COMMENT ON FUNCTION chatter._wire_attachments(bigint) IS
    'A message''s files as the wire shape shows them ([{id, name, mimetype, size}]), those the caller may read';

CREATE FUNCTION chatter._wire_reactions(message bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                'emoji', r.emoji, 'count', r.n, 'contacts', r.contacts) ORDER BY r.first)
                       FROM (SELECT x.emoji, count(*) AS n, pg_catalog.array_agg(x.contact_id ORDER BY x.id) AS contacts,
                                    min(x.id) AS first
                               FROM chatter.reactions AS x
                              WHERE x.message_id = message
                              GROUP BY x.emoji) AS r), '[]'::jsonb);
END
$$;
COMMENT ON FUNCTION chatter._wire_reactions(bigint) IS
    'A message''s reactions as the wire shape shows them ([{emoji, count, contacts}], first reaction first)';

CREATE FUNCTION chatter._wire_parent(parent bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN (SELECT pg_catalog.jsonb_build_object(
                       'id', p.id,
                       'author', (SELECT c.name FROM chatter.contacts AS c WHERE c.id = p.author_id),
                       'deleted', p.deleted_at IS NOT NULL,
                       'excerpt', chatter._preview(p.body))
              FROM chatter.messages AS p WHERE p.id = parent);
END
$$;
COMMENT ON FUNCTION chatter._wire_parent(bigint) IS
    'The replied-to message as the wire shape shows it ({id, author, deleted, excerpt}), NULL if the caller may not read it';

CREATE FUNCTION chatter._wire_bounced(message bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    RETURN coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('contact_id', c.id, 'name', c.name,
                                                                               'email', c.email) ORDER BY c.id)
                       FROM chatter.message_bounces AS b JOIN chatter.contacts AS c ON c.id = b.contact_id
                      WHERE b.message_id = message), '[]'::jsonb);
END
$$;
COMMENT ON FUNCTION chatter._wire_bounced(bigint) IS
    'The contacts whose email of a message bounced, as the wire shape shows them ([{contact_id, name, email}])';

ALTER FUNCTION chatter._wire_attachments(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter._wire_reactions(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter._wire_parent(bigint) OWNER TO chatter_owner;
ALTER FUNCTION chatter._wire_bounced(bigint) OWNER TO chatter_owner;
REVOKE EXECUTE ON FUNCTION chatter._wire_attachments(bigint), chatter._wire_reactions(bigint),
                           chatter._wire_parent(bigint), chatter._wire_bounced(bigint) FROM PUBLIC;
-- Called by message_wire_set, which is inlined into chatter_app's queries.
GRANT EXECUTE ON FUNCTION chatter._wire_attachments(bigint), chatter._wire_reactions(bigint),
                          chatter._wire_parent(bigint), chatter._wire_bounced(bigint) TO chatter_app;

COMMIT;
