-- Deploy pgchatter:message_audience to pg
-- requires: message_audience@v0.5.0, html_text

BEGIN;

-- notification_payload's preview is chatter.html_text of the body, on one line: the same text as the
-- email's text part, cut to 140 characters. Two differences, on purpose: it reads a bounded prefix of the
-- body (2,000 characters give 140 of text; it runs for every toast, bell entry and push), and < > become
-- the angle quotes ‹ › so that a client which puts the preview into HTML cannot be made to run markup.
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
                                     translate(btrim(regexp_replace(chatter.html_text(left(m.body, 2000)),
                                                                    '\s+', ' ', 'g')),
                                               '<>', '‹›')), 140))
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
