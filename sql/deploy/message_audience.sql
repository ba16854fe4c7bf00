-- Deploy pgchatter:message_audience to pg
-- requires: message_audience@v0.5.0, html_text

BEGIN;

-- notification_payload's preview is chatter._preview of the body: its chatter.html_text on one line, the
-- same text as the email's text part, cut to 140 characters (< > as ‹ ›).
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
               'body', left(coalesce(nullif(btrim(m.subject), ''), chatter._preview(m.body)), 140))
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

COMMIT;
