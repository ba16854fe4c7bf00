-- Revert pgchatter:message_audience from pg: notification_payload as of @v0.5.0

BEGIN;

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
                                             regexp_replace(regexp_replace(left(m.body, 2000), '<[^>]*$', ''),
                                                            '<[^>]*>', ' ', 'g'),
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

COMMIT;
