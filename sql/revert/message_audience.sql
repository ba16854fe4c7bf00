-- Revert pgchatter:message_audience from pg
-- Restores the v0.4.0 notification_payload (a regex over the whole body).

BEGIN;

-- The one "you received a message" payload (seed notification_payload): toast, bell and Web Push. The
-- preview is text and never markup, even for a client that renders it as HTML: an escaped angle bracket
-- in the body becomes a single angle quotation mark (‹ ›), never < or >.
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
                                             '&nbsp;', ' '), '&lt;', '‹'), '&gt;', '›'), '&quot;', '"'),
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

COMMIT;
