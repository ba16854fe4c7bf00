-- Revert pgchatter:message_audience from pg
-- Restores the v0.5.0 message_audience (no DM branch) and notification_payload (no channel keys).

BEGIN;

-- message_audience as before, its followers from chatter._record_followers (the one union of followers
-- and following channels' members, which record_followers lists too).
CREATE OR REPLACE FUNCTION chatter.message_audience(message bigint) RETURNS TABLE (contact_id bigint, email text, via text[])
LANGUAGE plpgsql
SET search_path = ''
AS $$
#variable_conflict use_column
BEGIN
    -- As the caller: a message it may not read (row-level security) is not found, as a missing one.
    IF NOT EXISTS (SELECT FROM chatter.messages AS m WHERE m.id = message_audience.message) THEN
        RAISE EXCEPTION 'message % not found', coalesce(message_audience.message::text, 'NULL') USING ERRCODE = 'CH003';
    END IF;
    RETURN QUERY
        WITH msg AS (SELECT m.*, m.message_type = 'Note' OR s.internal AS internal
                       FROM chatter.messages AS m LEFT JOIN chatter.subtypes AS s ON s.id = m.subtype_id
                      WHERE m.id = message_audience.message),
        raw (contact_id, via) AS (
            SELECT rf.contact_id, rf.via FROM msg, chatter._record_followers(msg.model, msg.document) AS rf
             WHERE msg.message_type = 'Message' AND msg.in_feed AND msg.subtype_id = ANY (rf.subtype_ids)
            UNION ALL
            SELECT r.contact_id, 'recipient' FROM msg
              JOIN chatter.message_recipients AS r ON r.message_id = msg.id
             WHERE msg.message_type = 'Message'
            UNION ALL
            SELECT x, 'mention' FROM msg, chatter._mentioned_contacts(msg.body) AS x
             WHERE msg.message_type <> 'Tracking'
            UNION ALL
            SELECT x, 'record' FROM msg, chatter._record_contacts(msg.model, msg.document) AS x
             WHERE msg.message_type = 'Message' AND msg.in_feed
        )
        SELECT r.contact_id, c.email, array_agg(DISTINCT r.via ORDER BY r.via)
          FROM raw AS r
          CROSS JOIN msg
          JOIN chatter.contacts AS c ON c.id = r.contact_id
          LEFT JOIN chatter.users AS u ON u.contact_id = r.contact_id
         WHERE r.contact_id IS DISTINCT FROM msg.author_id
           -- A chat message reaches only members of its channel.
           AND (msg.channel_id IS NULL OR EXISTS (SELECT FROM chatter.channel_members AS cm
                                                   WHERE cm.channel_id = msg.channel_id AND cm.user_id = u.id))
           -- Users by their preference; other contacts can only be emailed.
           AND CASE WHEN u.id IS NULL THEN c.email IS NOT NULL ELSE u.active AND u.notification <> 'none' END
           -- Internal content: internal users only.
           AND (NOT coalesce(msg.internal, false) OR (u.id IS NOT NULL AND NOT u.share))
         GROUP BY r.contact_id, c.email
         ORDER BY r.contact_id;
END
$$;

-- notification_payload as before, from a bounded prefix of the body: it runs for every toast, bell entry
-- and push, and a regex over a whole 500 KB body cost milliseconds each time (issue 18). The preview is
-- 140 characters; 2,000 of HTML give it, a tag cut at the end of the prefix is dropped.
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
